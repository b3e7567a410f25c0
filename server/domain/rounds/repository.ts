/** All SQL of the rounds area: the status rows of ward lists per round, and what the unreviewed check reads. */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { households, wardRounds } from '../../db/schema.ts';

export type WardRoundRow = typeof wardRounds.$inferSelect;

/** Status rows of these wards (every round, or one); a missing row means `open`. */
export async function wardRoundRows(exec: Executor, wardCodes: string[], round?: number): Promise<WardRoundRow[]> {
  if (wardCodes.length === 0) return [];
  return exec
    .select()
    .from(wardRounds)
    .where(and(inArray(wardRounds.wardCode, wardCodes), round === undefined ? undefined : eq(wardRounds.round, round)))
    .orderBy(asc(wardRounds.wardCode), asc(wardRounds.round));
}

/**
 * One ward-round's row, locked: approve/reopen lock it for update; writes into the round lock it for share, so a
 * write and an approval of the same ward-round never interleave.
 */
export async function lockWardRound(exec: Executor, wardCode: string, round: number, mode: 'update' | 'share'): Promise<WardRoundRow | null> {
  const [row] = await exec
    .select()
    .from(wardRounds)
    .where(and(eq(wardRounds.wardCode, wardCode), eq(wardRounds.round, round)))
    .for(mode);
  return row ?? null;
}

export async function saveWardRound(exec: Executor, values: typeof wardRounds.$inferInsert): Promise<WardRoundRow> {
  const { wardCode: _w, round: _r, ...changes } = values;
  const [row] = await exec
    .insert(wardRounds)
    .values(values)
    .onConflictDoUpdate({ target: [wardRounds.wardCode, wardRounds.round], set: { ...changes, updatedAt: sql`now()` } })
    .returning();
  return row!;
}

/** Approved ward-rounds (for the import's row check and for re-classification). */
export async function approvedWardRounds(exec: Executor, wardCodes?: string[]): Promise<{ wardCode: string; round: number }[]> {
  return exec
    .select({ wardCode: wardRounds.wardCode, round: wardRounds.round })
    .from(wardRounds)
    .where(and(eq(wardRounds.status, 'approved'), wardCodes ? inArray(wardRounds.wardCode, wardCodes) : undefined));
}

/** Households of these wards that were ever on a list (either standard), with what the list states are made of. */
export async function listedHouseholds(exec: Executor, wardCodes: string[]) {
  if (wardCodes.length === 0) return [];
  return exec
    .select({
      id: households.id,
      wardCode: households.wardCode,
      householdCode: households.householdCode,
      headName: households.headName,
      cityPoorMask: households.cityPoorMask,
      cityNearPoorMask: households.cityNearPoorMask,
      nationalPoorMask: households.nationalPoorMask,
      nationalNearPoorMask: households.nationalNearPoorMask,
      assessedMask: households.assessedMask,
      archivedRound: households.archivedRound,
    })
    .from(households)
    .where(
      and(
        inArray(households.wardCode, wardCodes),
        or(sql`(${households.cityPoorMask} <> 0 or ${households.cityNearPoorMask} <> 0)`, sql`(${households.nationalPoorMask} <> 0 or ${households.nationalNearPoorMask} <> 0)`),
      ),
    )
    .orderBy(asc(households.wardCode), asc(households.householdCode));
}
