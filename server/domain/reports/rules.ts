/**
 * Pure arithmetic of the rates report (domain.md §4–5): rates and the report rows, over the counts of counting.ts.
 * Counts are integers; a rate is kept as an exact fraction and rounded once, half away from zero to 2 decimals, when
 * it is presented (the published tables show 2 decimals, e.g. "1,76 %").
 */
import type { RoundStatus } from '../rounds/rules.ts';
import { assertReconciles, type ListCounts, type RoundCounts } from './counting.ts';

export { assertReconciles, countPairs, countRound, countRounds, emptyCounts, sumCounts, type ListCounts, type MaskGroup, type RoundCounts, type RoundPair } from './counting.ts';
export type Standard = 'city' | 'national';

/** n ÷ d rounded half away from zero (d > 0), in exact integer arithmetic. */
export function divRoundHalfAway(n: bigint, d: bigint): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return neg ? -q : q;
}

/** count ÷ total × 100, 2 decimals; null when the total is unknown or zero (never divide by 0). */
export function percent(count: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Number(divRoundHalfAway(BigInt(count) * 10000n, BigInt(total))) / 100;
}

/**
 * Change of rate in percentage points: end/total − start/prevTotal, computed exactly and rounded once (so it can
 * differ by 0.01 from the difference of the two rounded rates). Null when either total is unknown.
 */
export function changePp(end: number, total: number | null, start: number, prevTotal: number | null): number | null {
  if (total === null || total <= 0 || prevTotal === null || prevTotal <= 0) return null;
  const n = (BigInt(end) * BigInt(prevTotal) - BigInt(start) * BigInt(total)) * 10000n;
  return Number(divRoundHalfAway(n, BigInt(total) * BigInt(prevTotal))) / 100;
}

// ── Rows of the report table (domain.md §5) ─────────────────────────────────────────────────────────────────
export interface RateBlock extends ListCounts {
  /** end ÷ total households of the round × 100 (the published rate). */
  rate: number | null;
  /** start ÷ total households of the start round × 100: that round's published rate (the previous round by default). */
  startRate: number | null;
  /** Flows as a share of the round's total households (the "%" columns of the summary form). */
  escapedRate: number | null;
  removedRate: number | null;
  fellBackRate: number | null;
  newRate: number | null;
  /** DTTS households on the list ÷ total households × 100, at the start (start round's total) and at the end. */
  minorityStartRate: number | null;
  minorityEndRate: number | null;
}

/** The decision that approved the ward's list (domain.md §1); for the district total, approved only when all are. */
export interface Approval {
  status: RoundStatus;
  decisionNumber: string | null;
  decisionDate: string | null;
}

/** Why a figure is missing: stable codes the client translates. */
export type RateFlag = 'TOTAL_MISSING' | 'PREVIOUS_TOTAL_MISSING' | 'BASELINE_ROUND' | 'UNREVIEWED' | 'NOT_ALL_APPROVED';

export interface RateRow {
  code: string;
  name: string;
  /** 'urban' / 'rural' for a ward (the form's sections); null for a total row. */
  area: 'urban' | 'rural' | null;
  approval: Approval;
  totalHouseholds: number | null;
  /** Total households of the start round (the report's `from`, by default the previous round). */
  previousTotalHouseholds: number | null;
  poor: RateBlock;
  nearPoor: RateBlock;
  /** rate − startRate in percentage points (exact, rounded once); null in the baseline round or without a total. */
  change: { poorRatePp: number | null; nearPoorRatePp: number | null };
  /** Households on one list at the start round and on the other at the end round. */
  moves: { poorToNearPoor: number; nearPoorToPoor: number };
  flags: RateFlag[];
}

function block(c: ListCounts, total: number | null, prevTotal: number | null): RateBlock {
  return {
    ...c,
    rate: percent(c.end, total),
    startRate: percent(c.start, prevTotal),
    escapedRate: percent(c.escaped, total),
    removedRate: percent(c.removed, total),
    fellBackRate: percent(c.fellBack, total),
    newRate: percent(c.new, total),
    minorityStartRate: percent(c.minorityStart, prevTotal),
    minorityEndRate: percent(c.minorityEnd, total),
  };
}

/**
 * One row (a ward, or the district from summed counts and summed totals: rates are recomputed from the sums, never
 * averaged). `prevTotal` is the start round's total (the previous round's unless the report compares two other
 * rounds); in the baseline round there is no start round and the start is 0.
 */
export function buildRateRow(unit: { code: string; name: string; area?: 'urban' | 'rural' | null }, c: RoundCounts, total: number | null, prevTotal: number | null, baseline: boolean, approval: Approval): RateRow {
  assertReconciles(c.poor, `${unit.code} poor`);
  assertReconciles(c.nearPoor, `${unit.code} near-poor`);
  const flags: RateFlag[] = [];
  if (total === null) flags.push('TOTAL_MISSING');
  if (baseline) flags.push('BASELINE_ROUND');
  else if (prevTotal === null) flags.push('PREVIOUS_TOTAL_MISSING');
  if (c.poor.unreviewed + c.nearPoor.unreviewed > 0) flags.push('UNREVIEWED');
  return {
    code: unit.code,
    name: unit.name,
    area: unit.area ?? null,
    approval,
    totalHouseholds: total,
    previousTotalHouseholds: prevTotal,
    poor: block(c.poor, total, prevTotal),
    nearPoor: block(c.nearPoor, total, prevTotal),
    change: {
      poorRatePp: baseline ? null : changePp(c.poor.end, total, c.poor.start, prevTotal),
      nearPoorRatePp: baseline ? null : changePp(c.nearPoor.end, total, c.nearPoor.start, prevTotal),
    },
    moves: { ...c.moves },
    flags,
  };
}

/** Sum of the wards' totals, or null when any ward lacks one (a partial sum would be a wrong denominator). */
export function sumTotals(values: (number | null)[]): number | null {
  let sum = 0;
  for (const v of values) {
    if (v === null) return null;
    sum += v;
  }
  return values.length ? sum : null;
}
