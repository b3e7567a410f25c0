/**
 * SQL of the rates report: one set-based scan of the registry. Households are grouped by ward and by their list
 * masks (bit r − ROUND_MIN set = on that list in round r), so 116k households collapse to a few hundred groups and
 * every round of a report or trend is counted from the same result, without a per-round query or a history join.
 * Archived households are not filtered out: they count in the rounds where they were on a list (issue 6).
 */
import { and, asc, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import { assessments, households, wards } from '../../db/schema.ts';
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

// ── households.xlsx: keyset pages, so 100k households never sit in memory ──────────────────────────────────
export interface ExportCursor {
  wardCode: string;
  householdCode: string;
}

export interface ExportAssessment {
  round: number;
  cityCategory: string | null;
  nationalCategory: string | null;
  incomeAmount: number;
  incomePer: string;
  deprivations: string[];
}

export interface ExportHousehold {
  wardCode: string;
  wardName: string;
  householdCode: string;
  address: string;
  area: string;
  headName: string;
  headIdNumber: string | null;
  members: unknown;
  status: string;
  archivedReason: string | null;
  /** The assessment of the filtered round, or the latest one when no round is filtered. */
  assessment: ExportAssessment | null;
}

/**
 * One page of households matching `where` (helper B's list conditions, scope included), after `after` in
 * (ward, household code) order. Keyset paging stays fast on the last page, unlike OFFSET.
 */
export async function pageHouseholdsForExport(exec: Executor, where: SQL | undefined, round: number | undefined, after: ExportCursor | null, limit: number): Promise<ExportHousehold[]> {
  const roundFilter = round === undefined ? sql`` : sql` and a.round = ${round}`;
  const assessment = sql<ExportAssessment | null>`(select jsonb_build_object('round', a.round, 'cityCategory', a.city_category, 'nationalCategory', a.national_category,
      'incomeAmount', a.income_amount, 'incomePer', a.income_per, 'deprivations', a.deprivations)
    from ${assessments} a where a.household_id = ${households.id}${roundFilter} order by a.round desc limit 1)`;
  const keyset = after ? sql`(${households.wardCode}, ${households.householdCode}) > (${after.wardCode}, ${after.householdCode})` : undefined;
  return exec
    .select({
      wardCode: households.wardCode,
      wardName: wards.name,
      householdCode: households.householdCode,
      address: households.address,
      area: households.area,
      headName: households.headName,
      headIdNumber: households.headIdNumber,
      members: households.members,
      status: households.status,
      archivedReason: households.archivedReason,
      assessment,
    })
    .from(households)
    .innerJoin(wards, eq(wards.code, households.wardCode))
    .where(and(where, keyset))
    .orderBy(asc(households.wardCode), asc(households.householdCode))
    .limit(limit);
}
