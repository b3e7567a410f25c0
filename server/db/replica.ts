/**
 * Reads from a streaming replica (issue 16, DATABASE_READ_URL). A replica lags the primary by a few milliseconds,
 * so a read sent there could miss a change the caller has just made (a household saved a moment ago, an import just
 * committed) — on any instance. Each replica read therefore first asks the primary how far its WAL is flushed (every
 * committed transaction is at or before that point), and uses the replica only once it has replayed that far,
 * waiting up to READ_REPLICA_WAIT_MS; otherwise, or when the replica is down, the read goes to the primary. Every
 * read thus sees every write committed before it started, whichever instance serves it.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { queryRows } from './client.ts';
import type { Logger } from '../logger.ts';

export interface ReplicaStats {
  /** Reads served by the replica / by the primary because the replica lagged or failed. */
  replica: number;
  primary: number;
}

export interface ReplicaHealth {
  ok: boolean;
  inRecovery: boolean | null;
  /** WAL the replica has not replayed yet (bytes; 0 = caught up). */
  lagBytes: number | null;
  /** Time since the last transaction the replica replayed (grows while the primary is idle). */
  lastReplaySeconds: number | null;
  error?: string;
}

const POLL_MS = 5;

export class ReadRouting {
  readonly stats: ReplicaStats = { replica: 0, primary: 0 };
  private lastWarning = 0;

  constructor(
    private readonly primary: Db,
    private readonly replica: Db | null,
    private readonly waitMs: number,
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.replica !== null;
  }

  /** The database a read-only request should use now (see the file comment). */
  async reader(): Promise<Db> {
    if (!this.replica) return this.primary;
    try {
      const [p] = await queryRows<{ lsn: string }>(this.primary, sql`select pg_current_wal_flush_lsn()::text as lsn`);
      const deadline = Date.now() + this.waitMs;
      for (;;) {
        const [r] = await queryRows<{ ok: boolean | null; standby: boolean }>(this.replica, sql`select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn() >= ${p!.lsn}::pg_lsn as ok`);
        // A read URL that is no standby (e.g. the primary itself) is always current.
        if (!r!.standby || r!.ok) {
          this.stats.replica++;
          return this.replica;
        }
        if (Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    } catch (err) {
      this.warn(err);
    }
    this.stats.primary++;
    return this.primary;
  }

  async health(): Promise<ReplicaHealth | null> {
    if (!this.replica) return null;
    try {
      const [p] = await queryRows<{ lsn: string }>(this.primary, sql`select pg_current_wal_flush_lsn()::text as lsn`);
      const [r] = await queryRows<{ standby: boolean; lag: number | null; last: number | null }>(this.replica, sql`
        select pg_is_in_recovery() as standby,
               pg_wal_lsn_diff(${p!.lsn}::pg_lsn, pg_last_wal_replay_lsn())::float8 as lag,
               extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as last`);
      return { ok: true, inRecovery: r!.standby, lagBytes: r!.standby ? Math.max(0, r!.lag ?? 0) : 0, lastReplaySeconds: r!.last === null ? null : Math.round(r!.last * 10) / 10 };
    } catch (err) {
      return { ok: false, inRecovery: null, lagBytes: null, lastReplaySeconds: null, error: (err as { code?: string }).code ?? 'UNREACHABLE' };
    }
  }

  /** At most one warning a minute, with the error code only (a driver message may quote data). */
  private warn(err: unknown): void {
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    this.logger.warn({ code: (err as { code?: string })?.code ?? 'UNKNOWN' }, 'replica unavailable; reading from the primary');
  }
}

/** A database URL without its password, for /api/health. */
export function redactUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return null;
  }
}
