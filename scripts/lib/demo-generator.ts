/**
 * The synthetic Quận 12 (issue 8): a seeded Markov chain moves every surveyed household between the city lists
 * round by round (escapes, fall-backs, moves between lists), new households enter every year, and deterministic
 * adjustments bring each ward's lists to its target (so the district hits 2,041 poor and 1,789 near-poor at the end of
 * 2017 exactly). Each (household, round) then gets a survey answer that the registry's own rules classify onto the
 * intended list, checked here. Pure: no database; scripts/lib/demo-load.ts writes it through the services.
 */
import type { Member } from '../../server/domain/households/rules.ts';
import { checkDrawn, drawAssessment, type DrawnAssessment, type ListState, type SetsForRound } from './demo-assess.ts';
import { CALIBRATION, CALIBRATION_ROUND, DEMO_ROUNDS, WARD_PROFILES, wardTargets, type DemoRound, type WardProfile } from './demo-district.ts';
import { IdNumbers, drawMembers, personName, streetAddress, wardInitials } from './demo-people.ts';
import { Random } from './demo-random.ts';

export const DEMO_SEED = 'quan-12-demo-v1';

export interface DemoHousehold {
  wardCode: string;
  householdCode: string;
  address: string;
  area: 'urban';
  headName: string;
  headIdNumber: string | null;
  members: Member[];
  assessments: DrawnAssessment[];
}

export interface DemoDataset {
  seed: string;
  wardTotals: { wardCode: string; round: number; households: number }[];
  households: DemoHousehold[];
  /** Intended city lists per ward and round, as generated (and verified). */
  lists: Map<string, Record<number, { poor: number; nearPoor: number }>>;
  /** National-standard lists per round (district), as the registry's rules classify the drawn answers. */
  national: Record<number, { poor: number; nearPoor: number }>;
  assessmentCount: number;
}

type Row = Record<ListState, number>;
/** Yearly transition probabilities from the previous round's state. 2019: the city lines rose to 28/36 M VND. */
const NORMAL: Record<ListState, Row> = {
  poor: { poor: 0.58, near_poor: 0.22, above: 0.2 },
  near_poor: { poor: 0.07, near_poor: 0.5, above: 0.43 },
  above: { poor: 0.03, near_poor: 0.06, above: 0.91 },
};
const LINES_RAISED: Record<ListState, Row> = {
  poor: { poor: 0.85, near_poor: 0.12, above: 0.03 },
  near_poor: { poor: 0.4, near_poor: 0.52, above: 0.08 },
  above: { poor: 0.15, near_poor: 0.3, above: 0.55 },
};
/** Share of each list that is newly surveyed households (migrants, new families, ad-hoc requests). */
const NEW_SHARE: Record<number, number> = { 2016: 0.1, 2017: 0.09, 2018: 0.08, 2019: 0.22, 2020: 0.08 };
/** Borderline households surveyed without being listed, relative to the lists' size. */
const BORDERLINE_SHARE = 0.45;
/** Chance that a household above the lines two rounds running leaves the yearly review. */
const LEAVE_REVIEW = 0.5;

interface Sim {
  seq: number;
  entry: number;
  states: Map<number, ListState>;
  leftAfter: number | null;
}

/** One ward's category paths over the rounds, hitting its list targets in every round. */
function simulateWard(rng: Random, targets: { poor: Record<DemoRound, number>; nearPoor: Record<DemoRound, number> }): Sim[] {
  const all: Sim[] = [];
  const add = (round: number, state: ListState) => {
    const s: Sim = { seq: all.length + 1, entry: round, states: new Map([[round, state]]), leftAfter: null };
    all.push(s);
    return s;
  };
  const first = DEMO_ROUNDS[0];
  for (let i = 0; i < targets.poor[first]; i++) add(first, 'poor');
  for (let i = 0; i < targets.nearPoor[first]; i++) add(first, 'near_poor');
  for (let i = 0; i < Math.round((targets.poor[first] + targets.nearPoor[first]) * BORDERLINE_SHARE); i++) add(first, 'above');

  for (const round of DEMO_ROUNDS.slice(1)) {
    const matrix = round === 2019 ? LINES_RAISED : NORMAL;
    const active = all.filter((s) => s.leftAfter === null);
    for (const s of active) s.states.set(round, rng.weighted(matrix[s.states.get(round - 1)!]));
    const tp = targets.poor[round];
    const tn = targets.nearPoor[round];
    for (let i = 0; i < Math.round(tp * NEW_SHARE[round]!); i++) add(round, 'poor');
    for (let i = 0; i < Math.round(tn * NEW_SHARE[round]!); i++) add(round, 'near_poor');
    for (let i = 0; i < Math.round((tp + tn) * NEW_SHARE[round]! * BORDERLINE_SHARE); i++) add(round, 'above');
    adjust(rng, all, round, tp, tn, add);
    for (const s of all) {
      if (s.leftAfter === null && s.states.get(round) === 'above' && s.states.get(round - 1) === 'above' && rng.chance(LEAVE_REVIEW)) s.leftAfter = round;
    }
  }
  return all;
}

/**
 * Brings the round's lists to the targets: surplus households on a list move down (to near-poor while that list is
 * short, else off the lists); a shortfall is filled first from households above the lines (fall-backs and first-time
 * entries of borderline households), then by newly surveyed households.
 */
function adjust(rng: Random, all: Sim[], round: number, tp: number, tn: number, add: (round: number, s: ListState) => Sim): void {
  const inRound = (state: ListState, onlyOld: boolean) => all.filter((s) => s.states.get(round) === state && (!onlyOld || s.entry < round));
  const count = (state: ListState) => all.filter((s) => s.states.get(round) === state).length;
  let p = count('poor');
  if (p > tp) {
    for (const s of rng.sample(inRound('poor', true), p - tp)) s.states.set(round, count('near_poor') < tn ? 'near_poor' : 'above');
  } else if (p < tp) {
    const lift = rng.sample(inRound('above', true), Math.floor((tp - p) * 0.4));
    for (const s of lift) s.states.set(round, 'poor');
    for (p += lift.length; p < tp; p++) add(round, 'poor');
  }
  let n = count('near_poor');
  if (n > tn) {
    for (const s of rng.sample(inRound('near_poor', true), n - tn)) s.states.set(round, 'above');
  } else if (n < tn) {
    const lift = rng.sample(inRound('above', true), Math.floor((tn - n) * 0.5));
    for (const s of lift) s.states.set(round, 'near_poor');
    for (n += lift.length; n < tn; n++) add(round, 'near_poor');
  }
}

function surveyorsFor(rng: Random): string[] {
  return Array.from({ length: 4 }, () => personName(rng, rng.chance(0.6) ? 'female' : 'male'));
}

/** Generates the whole demo district; `resolve` gives the criteria sets of a round (the registry's, or the seed's). */
export function generateDemoDistrict(resolve: (round: number) => SetsForRound, seed = DEMO_SEED): DemoDataset {
  const root = new Random(seed);
  const targets = wardTargets();
  const ids = new IdNumbers();
  const households: DemoHousehold[] = [];
  const lists = new Map<string, Record<number, { poor: number; nearPoor: number }>>();
  const national: Record<number, { poor: number; nearPoor: number }> = {};
  for (const r of DEMO_ROUNDS) national[r] = { poor: 0, nearPoor: 0 };
  let assessmentCount = 0;

  for (const ward of WARD_PROFILES) {
    const t = targets.get(ward.code)!;
    const rng = root.fork(ward.code);
    const sims = simulateWard(rng.fork('paths'), t);
    const people = rng.fork('people');
    const surveyors = surveyorsFor(people);
    const perRound: Record<number, { poor: number; nearPoor: number }> = {};
    for (const r of DEMO_ROUNDS) perRound[r] = { poor: 0, nearPoor: 0 };
    for (const sim of sims) {
      const h = buildHousehold(people, ids, ward, sim, resolve, surveyors);
      for (const a of h.household.assessments) {
        if (a.intended === 'poor') perRound[a.round]!.poor++;
        if (a.intended === 'near_poor') perRound[a.round]!.nearPoor++;
      }
      for (const [round, category] of h.national) {
        if (category === 'poor') national[round]!.poor++;
        if (category === 'near_poor') national[round]!.nearPoor++;
      }
      assessmentCount += h.household.assessments.length;
      households.push(h.household);
    }
    for (const r of DEMO_ROUNDS) {
      if (perRound[r]!.poor !== t.poor[r] || perRound[r]!.nearPoor !== t.nearPoor[r]) {
        throw new Error(`demo generator: ward ${ward.code} round ${r} has ${JSON.stringify(perRound[r])}, target ${t.poor[r]}/${t.nearPoor[r]}`);
      }
    }
    lists.set(ward.code, perRound);
  }
  const wardTotals = WARD_PROFILES.flatMap((w) => DEMO_ROUNDS.map((round) => ({ wardCode: w.code, round, households: targets.get(w.code)!.totals[round] })));
  const dataset: DemoDataset = { seed, wardTotals, households, lists, national, assessmentCount };
  const at2017 = districtLists(dataset, CALIBRATION_ROUND);
  if (at2017.poor !== CALIBRATION.poor || at2017.nearPoor !== CALIBRATION.nearPoor) throw new Error(`demo generator: 2017 lists ${JSON.stringify(at2017)}`);
  return dataset;
}

function buildHousehold(rng: Random, ids: IdNumbers, ward: WardProfile, sim: Sim, resolve: (round: number) => SetsForRound, surveyors: string[]) {
  const everPoor = [...sim.states.values()].some((s) => s === 'poor');
  const depth = Math.min(0.95, rng.next() * (everPoor ? 1 : 0.6) + (ward.ring === 'outer' ? 0.1 : 0));
  const uninsured = rng.chance(0.1 + depth * 0.35);
  const members = drawMembers(rng, ids, 2020, depth, uninsured);
  const surveyed = { area: 'urban' as const, members, depth };
  const assessments: DrawnAssessment[] = [];
  const national = new Map<number, string>();
  for (const round of DEMO_ROUNDS) {
    const state = sim.states.get(round);
    if (!state) continue;
    const sets = resolve(round);
    const drawn = drawAssessment(rng, sets, surveyed, round, state, rng.pick(surveyors));
    national.set(round, checkDrawn(sets, surveyed, drawn));
    assessments.push(drawn);
  }
  const head = members[0]!;
  const household: DemoHousehold = {
    wardCode: ward.code,
    householdCode: `${wardInitials(ward.name)}-${String(sim.seq).padStart(5, '0')}`,
    address: streetAddress(rng, wardInitials(ward.name)),
    area: 'urban',
    headName: head.name,
    headIdNumber: head.idNumber,
    members,
    assessments,
  };
  return { household, national };
}

/** The district's city lists in a round, from the generated (intended) states. */
export function districtLists(dataset: DemoDataset, round: number): { poor: number; nearPoor: number } {
  let poor = 0;
  let nearPoor = 0;
  for (const perRound of dataset.lists.values()) {
    poor += perRound[round]?.poor ?? 0;
    nearPoor += perRound[round]?.nearPoor ?? 0;
  }
  return { poor, nearPoor };
}
