/**
 * The import worker of one app instance (issue 16). Jobs live in the `imports` table, not in this process: an upload
 * is queued there with its bytes, any instance claims it (`FOR UPDATE SKIP LOCKED`), beats a heartbeat while it
 * parses, and stores the parsed rows back in the database. When an instance dies, another one sees the heartbeat
 * lapse and re-queues the parse (or, after MAX_ATTEMPTS, or for a commit whose transaction died with it, marks the
 * import interrupted). The same worker sweeps expired import data (issue 13 item 3) at start and hourly.
 * PGlite runs the same code in its single process.
 */
import os from 'node:os';
import type { Config } from '../../config.ts';
import type { Ctx } from '../../context.ts';
import type { Db, Engine } from '../../db/client.ts';
import { isAlive } from '../../db/lock.ts';
import type { Logger } from '../../logger.ts';
import { actorOf } from '../users/auth-service.ts';
import { findUserById } from '../users/repository.ts';
import { deleteChunks } from './chunks-repository.ts';
import { failures, type ImportFailure } from './failures.ts';
import { sweepImportFiles } from './files.ts';
import * as repo from './repository.ts';
import type { ImportStatus } from './types.ts';
import { inTransaction } from '../../db/tx.ts';
import { cleanSearchPendingList, compactImportChunks } from '../../db/maintenance.ts';
import { loggableError } from '../../errors.ts';

export interface JobDeps {
  db: Db;
  engine: Engine;
  config: Config;
  logger: Logger;
}

/** Parses and commits run at most this many at a time per instance (each parse is a child process). */
const PARALLEL_JOBS = 2;
/** A parse whose instance died is retried this many times in all before it is marked interrupted. */
export const MAX_ATTEMPTS = 2;
/** A job silent for this many heartbeats is taken over. */
const LAPSE_BEATS = 4;

/** Raised inside a job's final transaction when the job is no longer this instance's (discarded, taken over). */
export class NotOurJob extends Error {}

export type ValidationRunner = (ctx: Ctx, record: repo.ImportRecord, instance: string) => Promise<void>;

/** This instance's name in job claims and connection names: INSTANCE_ID, else host:port. */
export function instanceName(config: Pick<Config, 'instanceId' | 'port'>): string {
  return config.instanceId ?? `${os.hostname()}:${config.port}`;
}

const workers = new WeakMap<Db, ImportJobs>();

/** The worker running on this database in this process. */
export function jobsOf(db: Db): ImportJobs {
  const w = workers.get(db);
  if (!w) throw new Error('the import worker is not started');
  return w;
}

export class ImportJobs {
  readonly instance: string;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private pumping = false;
  private kicked = false;
  private compacting: Promise<void> | null = null;
  private compactAgain = false;

  constructor(
    private readonly deps: JobDeps,
    private readonly validate: ValidationRunner,
  ) {
    this.instance = instanceName(deps.config);
  }

  get lapseSeconds(): number {
    return this.deps.config.importHeartbeatSeconds * LAPSE_BEATS;
  }

  /** Recovers what this instance's previous process left, sweeps, and starts the timers. */
  async start(): Promise<void> {
    workers.set(this.deps.db, this);
    // PGlite: the folder lock proves no other process runs, so every running job is dead now.
    await this.takeOver({ own: true, lapseSeconds: this.deps.engine === 'pglite' ? 0 : this.lapseSeconds });
    await this.sweep();
    const beat = this.deps.config.importHeartbeatSeconds * 1000;
    this.timers.push(setInterval(() => void this.tick(), beat).unref());
    this.timers.push(setInterval(() => void this.sweep(), 3600_000).unref());
    // PGlite has no autovacuum: hourly, the search index's pending entries (the hour's saves) go into the index proper.
    if (this.deps.engine === 'pglite') this.timers.push(setInterval(() => void this.cleanSearchIndex(), 3600_000).unref());
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (workers.get(this.deps.db) === this) workers.delete(this.deps.db);
  }

  /** Takes a slot (waits while PARALLEL_JOBS run); call the returned function to give it back. */
  async slot(): Promise<() => void> {
    if (this.active >= PARALLEL_JOBS) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    return () => {
      this.active--;
      this.waiting.shift()?.();
      this.kick();
    };
  }

  /** Claims queued jobs while this instance has free slots. */
  kick(): void {
    if (this.stopped) return;
    // A kick while the loop runs is remembered: the loop may have just found the queue empty.
    if (this.pumping) return void (this.kicked = true);
    this.pumping = true;
    this.kicked = false;
    void (async () => {
      try {
        while (!this.stopped && this.active < PARALLEL_JOBS) {
          const record = await repo.claimQueued(this.deps.db, this.instance);
          if (!record) break;
          const release = await this.slot();
          void this.runValidation(record).finally(release);
        }
      } catch (err) {
        if (!this.stopped) this.deps.logger.error({ err: loggableError(err) }, 'import worker: claiming failed');
      } finally {
        this.pumping = false;
        if (this.kicked) this.kick();
      }
    })();
  }

  private async runValidation(record: repo.ImportRecord): Promise<void> {
    // The job runs as the user who uploaded it (their scope decides which wards the rows may touch).
    const user = await findUserById(this.deps.db, record.userId);
    if (!user) return this.fail(record.id, 'parsing', failures.parserCrashed());
    await this.validate({ ...this.deps, actor: actorOf(user), requestId: `import-${record.id}` }, record, this.instance);
  }

  /** Ends a job this instance holds as failed and deletes its data (issue 13 item 3). */
  async fail(id: string, from: ImportStatus, failure: ImportFailure): Promise<void> {
    await inTransaction(this.deps.db, async (tx) => {
      if (await repo.settleClaimed(tx, id, this.instance, from, { status: 'failed', failure, claimedBy: null, heartbeatAt: null, purgedAt: new Date() })) {
        await deleteChunks(tx, id);
      }
    });
    this.compactSoon();
  }

  /**
   * After an import's chunks were deleted: gives their space back (db/maintenance.ts compactImportChunks), once at a
   * time, again if more were deleted meanwhile. Resolves when done (tests); failures are logged, never thrown.
   */
  compactSoon(): Promise<void> {
    if (this.compacting) {
      this.compactAgain = true;
      return this.compacting;
    }
    this.compacting = (async () => {
      do {
        this.compactAgain = false;
        if (this.stopped) break;
        try {
          await compactImportChunks(this.deps.db, this.deps.engine);
        } catch (err) {
          if (!this.stopped) this.deps.logger.warn({ err: loggableError(err) }, 'import chunks compaction failed');
        }
      } while (this.compactAgain);
      this.compacting = null;
    })();
    return this.compacting;
  }

  /** One heartbeat: keep our claims, take over lapsed ones, claim queued jobs (public for tests). */
  async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await repo.heartbeat(this.deps.db, this.instance);
      await this.takeOver({ own: false, lapseSeconds: this.lapseSeconds });
      this.kick();
    } catch (err) {
      if (!this.stopped) this.deps.logger.error({ err: loggableError(err) }, 'import worker: heartbeat failed');
    }
  }

  /** Re-queues lapsed parses (or marks them interrupted after MAX_ATTEMPTS) and marks lapsed commits interrupted. */
  private async takeOver(opts: { own: boolean; lapseSeconds: number }): Promise<void> {
    const settled = await repo.takeOverLapsed(this.deps.db, { instance: this.instance, ...opts }, (job) =>
      job.status === 'parsing' && job.attempts < MAX_ATTEMPTS
        ? { status: 'queued', claimedBy: null, heartbeatAt: null }
        : { status: 'failed', failure: failures.interrupted(), claimedBy: null, heartbeatAt: null, purgedAt: new Date() },
    );
    for (const job of settled) {
      const requeued = job.status === 'parsing' && job.attempts < MAX_ATTEMPTS;
      if (!requeued) {
        await deleteChunks(this.deps.db, job.id);
        void this.compactSoon();
      }
      this.deps.logger.warn({ importId: job.id, was: job.status, outcome: requeued ? 'requeued' : 'interrupted' }, 'took over an import whose instance stopped');
    }
  }

  /** db/maintenance.ts cleanSearchPendingList; failures are logged, never thrown (public for tests). */
  async cleanSearchIndex(): Promise<void> {
    try {
      if (!this.stopped) await cleanSearchPendingList(this.deps.db);
    } catch (err) {
      if (!this.stopped) this.deps.logger.warn({ err: loggableError(err) }, 'search index maintenance failed');
    }
  }

  /** Deletes the data of imports past IMPORT_RETENTION_HOURS, and temporary files dead processes left. */
  async sweep(): Promise<number> {
    if (this.stopped) return 0;
    try {
      sweepImportFiles(this.deps.config.dataDir, isAlive);
      const expired = await repo.listExpired(this.deps.db, this.deps.config.importRetentionHours);
      for (const job of expired) {
        await inTransaction(this.deps.db, async (tx) => {
          const status = job.status === 'validated' || job.status === 'queued' ? 'expired' : job.status;
          await repo.updateImport(tx, job.id, { status, purgedAt: new Date(), claimedBy: null });
          await deleteChunks(tx, job.id);
        });
      }
      if (expired.length) this.deps.logger.info({ imports: expired.length }, 'deleted the data of expired imports');
      // Hourly: whatever was deleted since (commits, discards, failures) leaves no bytes behind in the table's files.
      await this.compactSoon();
      return expired.length;
    } catch (err) {
      if (!this.stopped) this.deps.logger.error({ err: loggableError(err) }, 'import sweep failed');
      return 0;
    }
  }
}
