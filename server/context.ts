import type { Config } from './config.ts';
import type { Db, Engine } from './db/client.ts';
import type { Logger } from './logger.ts';
import type { ReadRouting } from './db/replica.ts';

export type Role = 'admin' | 'district' | 'ward';

/** The authenticated user, as the server knows it. Scope always comes from here, never from a request. */
export interface Actor {
  userId: string;
  username: string;
  role: Role;
  /** District the user belongs to (null for an admin: every district). */
  districtCode: string | null;
  /** Ward of a `ward` user; null for the other roles. */
  wardCode: string | null;
  mustChangePassword: boolean;
}

/** What every service call receives: who acts, on which database, for which request. */
export interface Ctx {
  db: Db;
  engine: Engine;
  config: Config;
  actor: Actor;
  requestId: string;
  logger: Logger;
  /**
   * Where this request's read-only queries go: the replica when DATABASE_READ_URL is set and has replayed every
   * committed write (db/replica.ts), else the primary. Unset = ctx.db. Writes (and audit rows) always use ctx.db.
   */
  readDb?: Db;
}

/** The context for read-only work: `db` is the read database (see Ctx.readDb). */
export function readerOf<T extends Pick<Ctx, 'db' | 'readDb'>>(ctx: T): T {
  return ctx.readDb ? { ...ctx, db: ctx.readDb } : ctx;
}

/** App-wide dependencies handed to routers. */
export interface AppDeps {
  config: Config;
  db: Db;
  engine: Engine;
  logger: Logger;
  /** Number of applied migrations (reported by /api/health). */
  migrations: number;
  /** HMAC key for session and token hashes. */
  secret: Buffer;
  /** Replica routing of read-only requests (issue 16); absent = every read on the primary. */
  reads?: ReadRouting;
}

/** A system actor for CLIs and the first-start bootstrap; audited under this name. */
export function systemActor(username = 'system'): Actor {
  return { userId: '00000000-0000-0000-0000-000000000000', username, role: 'admin', districtCode: null, wardCode: null, mustChangePassword: false };
}
