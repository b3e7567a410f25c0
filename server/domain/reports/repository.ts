/**
 * SQL of the rates report: one set-based scan of the registry. Households are grouped by ward and by their list
 * masks (bit r − ROUND_MIN set = on that list in round r), so 116k households collapse to a few hundred groups and
 * every round of a report or trend is counted from the same result, without a per-round query or a history join.
 * Archived households are not filtered out: they count in the rounds where they were on a list (issue 6).
 */
import { and, inArray, ne, or, sql } from 'drizzle-orm';
import { households } from '../../db/schema.ts';
import type { Executor } from '../../db/client.ts';
import type { MaskGroup, Standard } from './rules.ts';

const MASKS = {
  city: { poor: households.cityPoorMask, nearPoor: households.cityNearPoorMask },
  national: { poor: households.nationalPoorMask, nearPoor: households.nationalNearPoorMask },
} as const;

/**
 * Households of these wards grouped by (ward, poor mask, near-poor mask) under one standard, keeping only the bits
 * of rounds ≤ `uptoRound` (later rounds cannot change an earlier report) and only households on a list at least once.
 */
export async function listMaskGroups(exec: Executor, standard: Standard, wardCodes: string[], roundMin: number, uptoRound: number): Promise<MaskGroup[]> {
  if (wardCodes.length === 0) return [];
  const keep = (1 << (uptoRound - roundMin + 1)) - 1;
  const poor = sql<number>`(${MASKS[standard].poor} & ${keep})`;
  const nearPoor = sql<number>`(${MASKS[standard].nearPoor} & ${keep})`;
  return exec
    .select({ wardCode: households.wardCode, poorMask: poor.mapWith(Number), nearPoorMask: nearPoor.mapWith(Number), households: sql<number>`count(*)::int` })
    .from(households)
    .where(and(inArray(households.wardCode, wardCodes), or(ne(poor, 0), ne(nearPoor, 0))))
    // By position: the same expression written twice would carry two different bind parameters.
    .groupBy(sql`1, 2, 3`);
}
