/** SQL of the per-ward total households (ward_totals): the denominators of every rate (domain.md §4). */
import { and, asc, between, eq, inArray, sql } from 'drizzle-orm';
import { wardTotals } from '../../db/schema.ts';
import type { Executor } from '../../db/client.ts';

export interface WardTotal {
  wardCode: string;
  round: number;
  households: number;
}

export async function findWardTotal(exec: Executor, wardCode: string, round: number): Promise<WardTotal | null> {
  const [r] = await exec
    .select({ wardCode: wardTotals.wardCode, round: wardTotals.round, households: wardTotals.households })
    .from(wardTotals)
    .where(and(eq(wardTotals.wardCode, wardCode), eq(wardTotals.round, round)));
  return r ?? null;
}

/** Inserts or replaces one total. */
export async function upsertWardTotal(exec: Executor, t: WardTotal, updatedBy: string): Promise<void> {
  await exec
    .insert(wardTotals)
    .values({ ...t, updatedBy })
    .onConflictDoUpdate({
      target: [wardTotals.wardCode, wardTotals.round],
      set: { households: t.households, updatedBy, updatedAt: sql`now()` },
    });
}

/** Totals of these wards for rounds from..to (inclusive), in one query. */
export async function listWardTotals(exec: Executor, wardCodes: string[], from: number, to: number): Promise<WardTotal[]> {
  if (wardCodes.length === 0) return [];
  return exec
    .select({ wardCode: wardTotals.wardCode, round: wardTotals.round, households: wardTotals.households })
    .from(wardTotals)
    .where(and(inArray(wardTotals.wardCode, wardCodes), between(wardTotals.round, from, to)))
    .orderBy(asc(wardTotals.wardCode), asc(wardTotals.round));
}
