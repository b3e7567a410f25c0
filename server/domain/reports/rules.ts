/**
 * Pure arithmetic of the rates report (domain.md §4–5): per-list change categories from the household masks,
 * reconciliation, and rates. Counts are integers; a rate is kept as an exact fraction and rounded once, half away
 * from zero to 2 decimals, when it is presented (the published tables show 2 decimals, e.g. "1,76 %").
 */
import { transitionsFor } from '../assessments/rules.ts';

export type Standard = 'city' | 'national';

/** One group of the registry scan: how many households of a ward share these masks. */
export interface MaskGroup {
  wardCode: string;
  poorMask: number;
  nearPoorMask: number;
  households: number;
}

/** Counts of one list (poor or near-poor) in one ward and round. */
export interface ListCounts {
  start: number;
  escaped: number;
  fellBack: number;
  new: number;
  end: number;
}

export interface RoundCounts {
  poor: ListCounts;
  nearPoor: ListCounts;
  /** Households moved between the lists since the previous round (also counted in escaped/new/fellBack above). */
  moves: { poorToNearPoor: number; nearPoorToPoor: number };
}

export const emptyCounts = (): RoundCounts => ({
  poor: { start: 0, escaped: 0, fellBack: 0, new: 0, end: 0 },
  nearPoor: { start: 0, escaped: 0, fellBack: 0, new: 0, end: 0 },
  moves: { poorToNearPoor: 0, nearPoorToPoor: 0 },
});

function addTransitions(into: ListCounts, mask: number, round: number, roundMin: number, n: number): void {
  switch (transitionsFor(mask, round, roundMin)) {
    case 'stayed':
      into.start += n;
      into.end += n;
      break;
    case 'escaped':
      into.start += n;
      into.escaped += n;
      break;
    case 'fell_back':
      into.fellBack += n;
      into.end += n;
      break;
    case 'new':
      into.new += n;
      into.end += n;
      break;
  }
}

const bit = (mask: number, round: number, roundMin: number) => round >= roundMin && (mask & (1 << (round - roundMin))) !== 0;

/** Counts per ward for one round, from the grouped masks of the scan. */
export function countRound(groups: MaskGroup[], round: number, roundMin: number): Map<string, RoundCounts> {
  const byWard = new Map<string, RoundCounts>();
  for (const g of groups) {
    let c = byWard.get(g.wardCode);
    if (!c) byWard.set(g.wardCode, (c = emptyCounts()));
    addTransitions(c.poor, g.poorMask, round, roundMin, g.households);
    addTransitions(c.nearPoor, g.nearPoorMask, round, roundMin, g.households);
    if (bit(g.poorMask, round - 1, roundMin) && bit(g.nearPoorMask, round, roundMin)) c.moves.poorToNearPoor += g.households;
    if (bit(g.nearPoorMask, round - 1, roundMin) && bit(g.poorMask, round, roundMin)) c.moves.nearPoorToPoor += g.households;
  }
  return byWard;
}

/** end = start − escaped + fell back + new (domain.md §4). A failure means the masks or this code are wrong. */
export function assertReconciles(c: ListCounts, where: string): void {
  if (c.start - c.escaped + c.fellBack + c.new !== c.end) {
    throw new Error(`rates report does not reconcile for ${where}: ${JSON.stringify(c)}`);
  }
}

export function sumCounts(all: RoundCounts[]): RoundCounts {
  const s = emptyCounts();
  for (const c of all) {
    for (const list of ['poor', 'nearPoor'] as const) {
      for (const k of ['start', 'escaped', 'fellBack', 'new', 'end'] as const) s[list][k] += c[list][k];
    }
    s.moves.poorToNearPoor += c.moves.poorToNearPoor;
    s.moves.nearPoorToPoor += c.moves.nearPoorToPoor;
  }
  return s;
}

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
  /** start ÷ total households of the previous round × 100: the previous round's published rate. */
  startRate: number | null;
  /** Flows as a share of the round's total households (the "%" columns of the summary form). */
  escapedRate: number | null;
  fellBackRate: number | null;
  newRate: number | null;
}

/** Why a figure is missing: stable codes the client translates. */
export type RateFlag = 'TOTAL_MISSING' | 'PREVIOUS_TOTAL_MISSING' | 'BASELINE_ROUND';

export interface RateRow {
  code: string;
  name: string;
  totalHouseholds: number | null;
  previousTotalHouseholds: number | null;
  poor: RateBlock;
  nearPoor: RateBlock;
  change: { poorRatePp: number | null; nearPoorRatePp: number | null };
  moves: { poorToNearPoor: number; nearPoorToPoor: number };
  flags: RateFlag[];
}

function block(c: ListCounts, total: number | null, prevTotal: number | null): RateBlock {
  return {
    ...c,
    rate: percent(c.end, total),
    startRate: percent(c.start, prevTotal),
    escapedRate: percent(c.escaped, total),
    fellBackRate: percent(c.fellBack, total),
    newRate: percent(c.new, total),
  };
}

/**
 * One row (a ward, or the district from summed counts and summed totals: rates are recomputed from the sums, never
 * averaged). `prevTotal` is the previous round's total; in the baseline round there is none and the start is 0.
 */
export function buildRateRow(unit: { code: string; name: string }, c: RoundCounts, total: number | null, prevTotal: number | null, baseline: boolean): RateRow {
  assertReconciles(c.poor, `${unit.code} poor`);
  assertReconciles(c.nearPoor, `${unit.code} near-poor`);
  const flags: RateFlag[] = [];
  if (total === null) flags.push('TOTAL_MISSING');
  if (baseline) flags.push('BASELINE_ROUND');
  else if (prevTotal === null) flags.push('PREVIOUS_TOTAL_MISSING');
  return {
    code: unit.code,
    name: unit.name,
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
