/** SQL of the `imports` table (job state, summary, capped errors) and its scoped listing. */
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../context.ts';
import { queryRows, type Db, type Executor } from '../../db/client.ts';
import { imports, users } from '../../db/schema.ts';
import { RUNNING_STATUSES, type ImportStatus } from './types.ts';

export type ImportRecord = typeof imports.$inferSelect;

/**
 * Who sees an import: a ward officer the imports made for their ward, a district user those of users of their
 * district, an admin all (the scope of the importing user is recorded at upload time).
 */
function scopeOf(actor: Actor): SQL | undefined {
  if (actor.role === 'ward') return eq(imports.wardCode, actor.wardCode ?? '∅');
  if (actor.role === 'district') return sql`${imports.userId} in (select ${users.id} from ${users} where ${users.districtCode} = ${actor.districtCode ?? '∅'})`;
  return undefined;
}

export async function insertImport(exec: Executor, values: typeof imports.$inferInsert): Promise<ImportRecord> {
  const [r] = await exec.insert(imports).values(values).returning();
  return r!;
}

export async function updateImport(exec: Executor, id: string, patch: Partial<typeof imports.$inferInsert>): Promise<void> {
  await exec.update(imports).set({ ...patch, updatedAt: new Date() }).where(eq(imports.id, id));
}

/** Moves an import from one status to another only if it is still in `from` (a guard against double commits). */
export async function transition(exec: Executor, id: string, from: ImportStatus, to: ImportStatus, patch: Partial<typeof imports.$inferInsert> = {}): Promise<boolean> {
  const rows = await exec
    .update(imports)
    .set({ ...patch, status: to, updatedAt: new Date() })
    .where(and(eq(imports.id, id), eq(imports.status, from)))
    .returning({ id: imports.id });
  return rows.length === 1;
}

export async function findImport(exec: Executor, actor: Actor, id: string): Promise<ImportRecord | null> {
  const [r] = await exec.select().from(imports).where(and(eq(imports.id, id), scopeOf(actor)));
  return r ?? null;
}

export async function listImports(exec: Executor, actor: Actor, page: number, pageSize: number): Promise<{ rows: ImportRecord[]; total: number }> {
  const where = scopeOf(actor);
  const [{ n } = { n: 0 }] = await exec.select({ n: sql<number>`count(*)::int` }).from(imports).where(where);
  const rows = await exec
    .select()
    .from(imports)
    .where(where)
    .orderBy(desc(imports.createdAt))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { rows, total: n };
}

export async function statusOf(exec: Executor, id: string): Promise<ImportStatus | null> {
  const [r] = await exec.select({ status: imports.status }).from(imports).where(eq(imports.id, id));
  return (r?.status as ImportStatus | undefined) ?? null;
}

export async function hasRunningImport(exec: Executor, userId: string): Promise<boolean> {
  const rows = await exec
    .select({ id: imports.id })
    .from(imports)
    .where(and(eq(imports.userId, userId), inArray(imports.status, RUNNING_STATUSES)))
    .limit(1);
  return rows.length > 0;
}

/**
 * Claims the oldest queued import for this instance (issue 16): `FOR UPDATE SKIP LOCKED`, so two instances polling
 * at once never take the same job. The claim starts the heartbeat clock.
 */
export async function claimQueued(exec: Executor, instance: string): Promise<ImportRecord | null> {
  const [r] = await queryRows<{ id: string }>(exec, sql`
    update imports set status = 'parsing', claimed_by = ${instance}, heartbeat_at = now(), attempts = attempts + 1, updated_at = now()
    where id = (select id from imports where status = 'queued' order by created_at limit 1 for update skip locked)
    returning id`);
  return r ? ((await exec.select().from(imports).where(eq(imports.id, r.id)))[0] ?? null) : null;
}

/** Keeps this instance's claims alive. Rows locked by a running commit transaction are skipped: the lock is the sign of life. */
export async function heartbeat(exec: Executor, instance: string): Promise<void> {
  await exec.execute(sql`
    update imports set heartbeat_at = now()
    where id in (select id from imports where claimed_by = ${instance} and status in ('parsing', 'committing') for update skip locked)`);
}

export interface LapsedJob {
  id: string;
  status: ImportStatus;
  attempts: number;
}

/**
 * Jobs whose instance stopped beating for `lapseSeconds` (or, at start, jobs claimed under this instance's own name:
 * its previous process is gone). A commit still running holds its row locked and is skipped, never taken from under
 * its transaction. `settle` decides each job's fate in the same transaction.
 */
export async function takeOverLapsed(exec: Db, opts: { instance: string; lapseSeconds: number; own: boolean }, settle: (job: LapsedJob) => Partial<typeof imports.$inferInsert>): Promise<LapsedJob[]> {
  const lapsed = sql`(heartbeat_at is null or heartbeat_at < now() - make_interval(secs => ${opts.lapseSeconds}))`;
  const mine = opts.own ? sql` or claimed_by = ${opts.instance}` : sql``;
  return exec.transaction(async (tx) => {
    const rows = await queryRows<LapsedJob>(tx, sql`
      select id, status, attempts from imports where status in ('parsing', 'committing') and (${lapsed}${mine})
      for update skip locked`);
    for (const job of rows) await tx.update(imports).set({ ...settle(job), updatedAt: new Date() }).where(eq(imports.id, job.id));
    return rows;
  });
}

/** Moves a job this instance claimed, only while it still holds the claim and the job is in `from`. */
export async function settleClaimed(exec: Executor, id: string, instance: string, from: ImportStatus, patch: Partial<typeof imports.$inferInsert>): Promise<boolean> {
  const rows = await exec
    .update(imports)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(imports.id, id), eq(imports.status, from), eq(imports.claimedBy, instance)))
    .returning({ id: imports.id });
  return rows.length === 1;
}

/** Locks a claimed commit's row for the length of its transaction (see heartbeat and takeOverLapsed). */
export async function lockClaimed(exec: Executor, id: string, instance: string, status: ImportStatus): Promise<boolean> {
  const rows = await queryRows(exec, sql`select id from imports where id = ${id} and status = ${status} and claimed_by = ${instance} for update`);
  return rows.length === 1;
}

/** Locks an import's row for the transaction if it is in `status`. */
export async function lockStatus(exec: Executor, id: string, status: ImportStatus): Promise<boolean> {
  const rows = await queryRows(exec, sql`select id from imports where id = ${id} and status = ${status} for update`);
  return rows.length === 1;
}

/** Upload bytes a user's imports still hold (the quota of issue 13 item 3). */
export async function storedUploadBytes(exec: Executor, userId: string): Promise<number> {
  const [r] = await exec
    .select({ n: sql<number>`coalesce(sum(${imports.sizeBytes}), 0)::int` })
    .from(imports)
    .where(and(eq(imports.userId, userId), sql`${imports.purgedAt} is null`));
  return r?.n ?? 0;
}

/** Imports past the retention time that still hold data and are not running. */
export async function listExpired(exec: Executor, retentionHours: number): Promise<{ id: string; status: ImportStatus }[]> {
  return exec
    .select({ id: imports.id, status: sql<ImportStatus>`${imports.status}` })
    .from(imports)
    .where(and(sql`${imports.purgedAt} is null`, sql`${imports.createdAt} < now() - make_interval(hours => ${retentionHours})`, sql`${imports.status} not in ('parsing', 'committing')`));
}
