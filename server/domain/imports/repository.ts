/** SQL of the `imports` table (job state, summary, capped errors) and its scoped listing. */
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../context.ts';
import type { Executor } from '../../db/client.ts';
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

export async function hasRunningImport(exec: Executor, userId: string): Promise<boolean> {
  const rows = await exec
    .select({ id: imports.id })
    .from(imports)
    .where(and(eq(imports.userId, userId), inArray(imports.status, RUNNING_STATUSES)))
    .limit(1);
  return rows.length > 0;
}

/** Imports left running by a previous process (it stopped mid-way): nothing was committed, mark them failed. */
export async function failRunningImports(exec: Executor, failure: unknown): Promise<number> {
  const rows = await exec
    .update(imports)
    .set({ status: 'failed', failure, updatedAt: new Date() })
    .where(inArray(imports.status, RUNNING_STATUSES))
    .returning({ id: imports.id });
  return rows.length;
}
