/**
 * SQL of the rates report: one set-based scan of the registry. Households are grouped by ward and by their list
 * masks (bit r − ROUND_MIN set = on that list in round r), so 116k households collapse to a few hundred groups and
 * every round of a report or trend is counted from the same result, without a per-round query or a history join.
 * Archived households are not filtered out: they count in the rounds where they were on a list, and as `removed` in
 * the round their archive is dated in (issue 12). The assessed mask tells unreviewed households from reviewed ones.
 */
import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { assessments, households } from '../../db/schema.ts';
import type { Executor } from '../../db/client.ts';
import type { MaskGroup, Standard } from './rules.ts';

const MASKS = {
  city: { poor: households.cityPoorMask, nearPoor: households.cityNearPoorMask },
  national: { poor: households.nationalPoorMask, nearPoor: households.nationalNearPoorMask },
} as const;

/**
 * Households of these wards grouped by (ward, poor mask, near-poor mask) under one standard, only those on a list at
 * least once. The predicate is exactly that of the partial index households_<standard>_lists_idx, so the scan is an
 * index-only scan of ~10 % of the district. Bits of rounds after the report's are harmless (listStates only
 * reads rounds up to the one it is asked about).
 */
export async function listMaskGroups(exec: Executor, standard: Standard, wardCodes: string[]): Promise<MaskGroup[]> {
  if (wardCodes.length === 0) return [];
  const { poor, nearPoor } = MASKS[standard];
  return exec
    .select({
      wardCode: households.wardCode,
      poorMask: poor,
      nearPoorMask: nearPoor,
      assessedMask: households.assessedMask,
      archivedRound: households.archivedRound,
      minority: sql<boolean>`(${households.ethnicGroup} <> 'kinh')`,
      households: sql<number>`count(*)::int`,
    })
    .from(households)
    // Literal zeros, not bind parameters: the planner must see the partial index's own predicate.
    .where(and(inArray(households.wardCode, wardCodes), sql`(${poor} <> 0 or ${nearPoor} <> 0)`))
    .groupBy(households.wardCode, poor, nearPoor, households.assessedMask, households.archivedRound, sql`(${households.ethnicGroup} <> 'kinh')`);
}

// ── households.xlsx: keyset pages, so 100k households never sit in memory ──────────────────────────────────
export interface ExportAssessment {
  round: number;
  cityCategory: string | null;
  nationalCategory: string | null;
  incomeAmount: number;
  incomePer: string;
  deprivations: string[];
  facts: Record<string, unknown>;
  surveyedAt: string | null;
  surveyor: string | null;
}

export interface ExportHousehold {
  wardCode: string;
  householdCode: string;
  address: string;
  area: string;
  headName: string;
  headIdNumber: string | null;
  members: unknown;
  status: string;
  archivedReason: string | null;
  ethnicGroup: string;
  /** The assessment of the filtered round, or the latest one when no round is filtered (null when not asked). */
  assessment: ExportAssessment | null;
}

export interface ExportPage {
  wardCode: string;
  /** Household code of the previous page's last row (null: from the start of the ward). */
  after: string | null;
  round?: number;
  withAssessment: boolean;
  limit: number;
}

/**
 * One page of one ward's households matching `where` (helper B's list conditions, scope included), after a
 * household code. Paging ward by ward with an equality on ward_code makes every page an ordered range scan of
 * households_ward_code_idx whatever the planner's statistics (PGlite never analyzes on its own).
 */
export async function pageHouseholdsForExport(exec: Executor, where: SQL | undefined, p: ExportPage): Promise<ExportHousehold[]> {
  const roundFilter = p.round === undefined ? sql`` : sql` and a.round = ${p.round}`;
  // Qualified by hand: in the select list of a one-table query drizzle writes a bare "id", which inside this
  // subquery would mean a.id.
  const householdId = sql.raw('"households"."id"');
  const assessment = p.withAssessment
    ? sql<ExportAssessment | null>`(select jsonb_build_object('round', a.round, 'cityCategory', a.city_category, 'nationalCategory', a.national_category,
        'incomeAmount', a.income_amount, 'incomePer', a.income_per, 'deprivations', a.deprivations,
        'facts', a.facts, 'surveyedAt', a.surveyed_at, 'surveyor', a.surveyor)
      from ${assessments} a where a.household_id = ${householdId}${roundFilter} order by a.round desc limit 1)`
    : sql<null>`null`;
  return exec
    .select({
      wardCode: households.wardCode,
      householdCode: households.householdCode,
      address: households.address,
      area: households.area,
      headName: households.headName,
      headIdNumber: households.headIdNumber,
      members: households.members,
      status: households.status,
      archivedReason: households.archivedReason,
      ethnicGroup: households.ethnicGroup,
      assessment,
    })
    .from(households)
    .where(and(where, eq(households.wardCode, p.wardCode), p.after === null ? undefined : gt(households.householdCode, p.after)))
    .orderBy(asc(households.householdCode))
    .limit(p.limit);
}
