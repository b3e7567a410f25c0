/**
 * Counting of the rates report (domain.md §4): per ward, the change categories of each list between two rounds, from
 * the grouped household masks. The yearly report compares round − 1 with round; a report comparing any two rounds
 * (issue 15) compares `from` with `round` by the same definitions (rounds/rules.ts transitionBetween).
 */
import { listStates, transitionBetween, type ListName, type ListState } from '../rounds/rules.ts';

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

/** Counts of one list (poor or near-poor) in one ward, between two rounds (domain.md §4). */
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
  /** Households on one list at the start and on the other at the end (also counted in escaped/new/fellBack above). */
  moves: { poorToNearPoor: number; nearPoorToPoor: number };
}

/** Which two rounds to compare: `from` (the start; roundMin − 1 in the baseline round: no list) and `round` (the end). */
export interface RoundPair {
  from: number;
  round: number;
}

const COUNT_KEYS = ['start', 'escaped', 'removed', 'fellBack', 'new', 'end', 'unreviewed', 'minorityStart', 'minorityEnd'] as const;
const emptyList = (): ListCounts => ({ start: 0, escaped: 0, removed: 0, fellBack: 0, new: 0, end: 0, unreviewed: 0, minorityStart: 0, minorityEnd: 0 });

export const emptyCounts = (): RoundCounts => ({ poor: emptyList(), nearPoor: emptyList(), moves: { poorToNearPoor: 0, nearPoorToPoor: 0 } });

/** Adds one group's change on list `list` between state indexes a and b (index = round − roundMin; a = −1: none). */
function addList(into: ListCounts, list: ListName, states: ListState[], a: number, b: number, g: MaskGroup): void {
  const n = g.households;
  const t = transitionBetween(states, a, b, list);
  if (t === 'stayed' || t === 'escaped' || t === 'removed') {
    into.start += n;
    if (g.minority) into.minorityStart += n;
  }
  if (t === 'escaped') into.escaped += n;
  if (t === 'removed') into.removed += n;
  if (t === 'fell_back') into.fellBack += n;
  if (t === 'new') into.new += n;
  if (t === 'stayed' || t === 'fell_back' || t === 'new') {
    into.end += n;
    // Carried at the end: on the list of the round before, not re-assessed, the round not approved (domain.md §4).
    if (states[b]!.carried) into.unreviewed += n;
    if (g.minority) into.minorityEnd += n;
  }
}

/**
 * Counts per ward for each pair of rounds (from < round), from the grouped scan, in the order of `pairs`.
 * `approved(ward, round)` tells whether the ward's list of that round is approved: in rounds that are not, listed
 * households not yet re-assessed stay on their list.
 */
export function countPairs(groups: MaskGroup[], pairs: RoundPair[], roundMin: number, approved: (ward: string, round: number) => boolean): Map<string, RoundCounts>[] {
  const out = pairs.map(() => new Map<string, RoundCounts>());
  if (pairs.length === 0) return out;
  const to = Math.max(...pairs.map((p) => p.round));
  for (const g of groups) {
    const states = listStates(g, roundMin, to, (r) => approved(g.wardCode, r));
    pairs.forEach((p, i) => {
      const byWard = out[i]!;
      let c = byWard.get(g.wardCode);
      if (!c) byWard.set(g.wardCode, (c = emptyCounts()));
      const a = p.from - roundMin;
      const b = p.round - roundMin;
      addList(c.poor, 'poor', states, a, b, g);
      addList(c.nearPoor, 'near_poor', states, a, b, g);
      const before = a >= 0 ? states[a]!.list : null;
      const after = states[b]!.list;
      if (before === 'poor' && after === 'near_poor') c.moves.poorToNearPoor += g.households;
      if (before === 'near_poor' && after === 'poor') c.moves.nearPoorToPoor += g.households;
    });
  }
  return out;
}

/** Counts per ward for each round `from`..`to`, each compared with the round before (the yearly report and trend). */
export function countRounds(groups: MaskGroup[], from: number, to: number, roundMin: number, approved: (ward: string, round: number) => boolean): Map<number, Map<string, RoundCounts>> {
  const pairs: RoundPair[] = [];
  for (let r = from; r <= to; r++) pairs.push({ from: r - 1, round: r });
  const counted = countPairs(groups, pairs, roundMin, approved);
  return new Map(pairs.map((p, i) => [p.round, counted[i]!]));
}

/** Counts per ward for one round compared with the round before (see countPairs). */
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
