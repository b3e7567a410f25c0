/**
 * Pure arithmetic of the rates report (domain.md §4–5): per-list change categories from the household masks,
 * reconciliation, and rates. Counts are integers; a rate is kept as an exact fraction and rounded once, half away
 * from zero to 2 decimals, when it is presented (the published tables show 2 decimals, e.g. "1,76 %").
 */
import { listStates, transitionOf, type ListName, type ListState, type RoundStatus } from '../rounds/rules.ts';

export type Standard = 'city' | 'national';

/** One group of the registry scan: how many households of a ward share these masks, archive round and DTTS flag. */
export interface MaskGroup {
  wardCode: string;
  poorMask: number;
  nearPoorMask: number;
  assessedMask: number;
  archivedRound: number | null;
  /** Head of an ethnic minority (DTTS: any group but Kinh). */
  minority: boolean;
  households: number;
}

/** Counts of one list (poor or near-poor) in one ward and round (domain.md §4). */
export interface ListCounts {
  start: number;
  escaped: number;
  /** Left the list because the household left the ward (archived: moved, died/dissolved, merged): "giảm khác". */
  removed: number;
  fellBack: number;
  new: number;
  end: number;
  /** Of `end`: still on the list only because the round is not approved and they are not re-assessed yet. */
  unreviewed: number;
  /** DTTS households on the list at the start and at the end. */
  minorityStart: number;
  minorityEnd: number;
}

export interface RoundCounts {
  poor: ListCounts;
  nearPoor: ListCounts;
  /** Households moved between the lists since the previous round (also counted in escaped/new/fellBack above). */
  moves: { poorToNearPoor: number; nearPoorToPoor: number };
}

const COUNT_KEYS = ['start', 'escaped', 'removed', 'fellBack', 'new', 'end', 'unreviewed', 'minorityStart', 'minorityEnd'] as const;
const emptyList = (): ListCounts => ({ start: 0, escaped: 0, removed: 0, fellBack: 0, new: 0, end: 0, unreviewed: 0, minorityStart: 0, minorityEnd: 0 });

export const emptyCounts = (): RoundCounts => ({ poor: emptyList(), nearPoor: emptyList(), moves: { poorToNearPoor: 0, nearPoorToPoor: 0 } });

/** Adds one group's change on list `list` between round − 1 and round (states from listStates, index = round − roundMin). */
function addList(into: ListCounts, list: ListName, states: ListState[], k: number, g: MaskGroup): void {
  const n = g.households;
  const t = transitionOf(states, k, list);
  if (t === 'stayed' || t === 'escaped' || t === 'removed') {
    into.start += n;
    if (g.minority) into.minorityStart += n;
  }
  if (t === 'escaped') into.escaped += n;
  if (t === 'removed') into.removed += n;
  if (t === 'fell_back') into.fellBack += n;
  if (t === 'new') into.new += n;
  if (t === 'stayed' && states[k]!.carried) into.unreviewed += n;
  if (t === 'stayed' || t === 'fell_back' || t === 'new') {
    into.end += n;
    if (g.minority) into.minorityEnd += n;
  }
}

/**
 * Counts per ward for the rounds `from`..`to`, from the grouped scan. `approved(ward, round)` tells whether the ward's
 * list of that round is approved: in rounds that are not, listed households not yet re-assessed stay on their list.
 */
export function countRounds(groups: MaskGroup[], from: number, to: number, roundMin: number, approved: (ward: string, round: number) => boolean): Map<number, Map<string, RoundCounts>> {
  const out = new Map<number, Map<string, RoundCounts>>();
  for (let r = from; r <= to; r++) out.set(r, new Map());
  for (const g of groups) {
    const states = listStates(g, roundMin, to, (r) => approved(g.wardCode, r));
    for (let round = from; round <= to; round++) {
      const byWard = out.get(round)!;
      let c = byWard.get(g.wardCode);
      if (!c) byWard.set(g.wardCode, (c = emptyCounts()));
      const k = round - roundMin;
      addList(c.poor, 'poor', states, k, g);
      addList(c.nearPoor, 'near_poor', states, k, g);
      const prev = k > 0 ? states[k - 1]!.list : null;
      if (prev === 'poor' && states[k]!.list === 'near_poor') c.moves.poorToNearPoor += g.households;
      if (prev === 'near_poor' && states[k]!.list === 'poor') c.moves.nearPoorToPoor += g.households;
    }
  }
  return out;
}

/** Counts per ward for one round (see countRounds). */
export function countRound(groups: MaskGroup[], round: number, roundMin: number, approved: (ward: string, round: number) => boolean = () => true): Map<string, RoundCounts> {
  return countRounds(groups, round, round, roundMin, approved).get(round)!;
}

/** end = start − escaped − removed + fell back + new (domain.md §4). A failure means the masks or this code are wrong. */
export function assertReconciles(c: ListCounts, where: string): void {
  if (c.start - c.escaped - c.removed + c.fellBack + c.new !== c.end) {
    throw new Error(`rates report does not reconcile for ${where}: ${JSON.stringify(c)}`);
  }
}

export function sumCounts(all: RoundCounts[]): RoundCounts {
  const s = emptyCounts();
  for (const c of all) {
    for (const list of ['poor', 'nearPoor'] as const) {
      for (const k of COUNT_KEYS) s[list][k] += c[list][k];
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
  removedRate: number | null;
  fellBackRate: number | null;
  newRate: number | null;
  /** DTTS households on the list ÷ total households × 100, at the start (previous total) and at the end. */
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
    removedRate: percent(c.removed, total),
    fellBackRate: percent(c.fellBack, total),
    newRate: percent(c.new, total),
    minorityStartRate: percent(c.minorityStart, prevTotal),
    minorityEndRate: percent(c.minorityEnd, total),
  };
}

/**
 * One row (a ward, or the district from summed counts and summed totals: rates are recomputed from the sums, never
 * averaged). `prevTotal` is the previous round's total; in the baseline round there is none and the start is 0.
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
