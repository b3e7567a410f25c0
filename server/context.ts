import type { Config } from './config.ts';
import type { Db, Engine } from './db/client.ts';
import type { Logger } from './logger.ts';

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
}

/** A system actor for CLIs and the first-start bootstrap; audited under this name. */
export function systemActor(username = 'system'): Actor {
  return { userId: '00000000-0000-0000-0000-000000000000', username, role: 'admin', districtCode: null, wardCode: null, mustChangePassword: false };
}
