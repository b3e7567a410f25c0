/**
 * Draws one survey answer (income per person per year, deprivation flags, floor area) that lands a household on the
 * intended city-standard list for a round, and checks it with the registry's own classification
 * (evaluateAssessment → classify), so the demo can never drift from the rules it demonstrates.
 */
import { evaluateAssessment, type AssessmentInput } from '../../server/domain/assessments/rules.ts';
import type { Category, CriteriaSet, Lines } from '../../server/domain/criteria/types.ts';
import type { Member } from '../../server/domain/households/rules.ts';
import type { Config } from '../../server/config.ts';
import { SEED_CRITERIA_SETS } from '../../server/domain/criteria/seed.ts';
import { setIdForRound } from '../../server/domain/criteria/service.ts';
import type { Random } from './demo-random.ts';

/** Where a household stands on the city lists in a round. 'above' = surveyed, on neither list. */
export type ListState = 'poor' | 'near_poor' | 'above';
export type SetsForRound = { city: CriteriaSet; national: CriteriaSet };

export interface DrawnAssessment extends AssessmentInput {
  round: number;
  income: { amount: number; per: 'year' };
  facts: { floorArea: number };
  surveyedAt: string;
  surveyor: string;
  intended: ListState;
}

export interface SurveyedHousehold {
  area: 'urban' | 'rural';
  members: Member[];
  /** 0 (least) … 1 (most) poor: keeps one household's income in a similar place from year to year. */
  depth: number;
}

const STEP = 50_000; // incomes are estimates, written to the nearest 50,000 VND

function cityLines(set: CriteriaSet): Lines {
  if (!('all' in set.lines)) throw new Error(`demo: city set ${set.id} is expected to have one line for the whole city`);
  if (set.incomeUnit !== 'year') throw new Error(`demo: city set ${set.id} is expected in VND per person per year`);
  return set.lines.all;
}

/** An amount in (low, high], on the 50,000 grid, placed by `at` in [0, 1). */
function between(low: number, high: number, at: number): number {
  const steps = Math.max(1, Math.floor((high - low) / STEP));
  return low + STEP * (1 + Math.min(steps - 1, Math.floor(at * steps)));
}

const clamp01 = (x: number) => Math.min(0.999, Math.max(0, x));

export function stateOf(category: Category): ListState {
  return category === 'poor' ? 'poor' : category === 'near_poor' ? 'near_poor' : 'above';
}

/**
 * Income and flags for `state` under the round's city set (domain.md §3: income ≤ poor line → poor; between the lines
 * with ≥ cut-off deprivations → poor, fewer → near-poor; above the near-poor line → neither).
 */
export function drawAssessment(rng: Random, sets: SetsForRound, household: SurveyedHousehold, round: number, state: ListState, surveyor: string): DrawnAssessment {
  const { poor, nearPoor } = cityLines(sets.city);
  const cutoff = sets.city.rule.kind === 'count' ? sets.city.rule.cutoff : Number.NaN;
  if (!Number.isFinite(cutoff)) throw new Error('demo: the city set is expected to use a deprivation count cut-off');
  const cityCodes = sets.city.indicators.map((i) => i.code);
  const nationalOnly = sets.national.indicators.map((i) => i.code).filter((c) => !cityCodes.includes(c));
  // Flags the registry derives from the members (ages in the round's year): ticked so the survey agrees with them.
  const forced = [
    ...(household.members.some((m) => m.hasHealthInsurance === false && round - m.birthYear >= 6) ? ['health_insurance'] : []),
    ...(household.members.some((m) => m.inSchool === false && round - m.birthYear >= 5 && round - m.birthYear < 15) ? ['child_schooling'] : []),
  ];
  const position = clamp01(household.depth + (rng.next() - 0.5) * 0.3);

  let amount: number;
  let count: number;
  if (state === 'poor' && rng.chance(0.72)) {
    // Poor by income: 40–100 % of the line, the deepest households lowest.
    amount = Math.floor((poor * (0.4 + 0.6 * (1 - position))) / STEP) * STEP;
    count = rng.int(0, cutoff + 1);
  } else if (state === 'poor') {
    amount = between(poor, nearPoor, 1 - position);
    count = rng.int(cutoff, cutoff + 2);
  } else if (state === 'near_poor') {
    amount = between(poor, nearPoor, 1 - position);
    count = rng.int(0, cutoff - 1);
  } else {
    amount = between(nearPoor, Math.round(nearPoor * 1.7), rng.next());
    count = rng.int(0, cutoff);
  }
  count = Math.max(count, forced.length);
  const pool = cityCodes.filter((c) => !forced.includes(c) && c !== 'health_insurance' && c !== 'child_schooling');
  const deprivations = [...forced, ...rng.sample(pool, count - forced.length)];
  for (const code of nationalOnly) if (rng.chance(state === 'above' ? 0.04 : 0.12)) deprivations.push(code);

  // Floor area agrees with the housing_area flag (the registry derives the flag from it: < 8 m² per person).
  const n = household.members.length;
  const floorArea = deprivations.includes('housing_area') ? Math.max(3, Math.floor(n * (3.5 + rng.next() * 4))) : Math.ceil(n * (8 + rng.next() * 12));

  const day = rng.int(0, 105); // the yearly review runs from 1 September (Circular 17/2016/TT-BLĐTBXH, Art. 4)
  const date = new Date(Date.UTC(round, 8, 1 + day)).toISOString().slice(0, 10);
  return { round, income: { amount, per: 'year' }, deprivations, facts: { floorArea }, surveyedAt: date, surveyor, intended: state };
}

/** Classifies a drawn assessment with the registry's rules; throws when it does not land on the intended list. */
export function checkDrawn(sets: SetsForRound, household: SurveyedHousehold, drawn: DrawnAssessment): Category {
  const evaluated = evaluateAssessment(sets, household, drawn);
  if (stateOf(evaluated.cityCategory) !== drawn.intended) {
    throw new Error(`demo generator: round ${drawn.round} drew ${evaluated.cityCategory}, intended ${drawn.intended} (income ${drawn.income.amount}, ${drawn.deprivations.join(',')})`);
  }
  return evaluated.nationalCategory;
}

/**
 * The shipped criteria sets resolved by the configured rounds, without a database: the unit test and the benchmark's
 * data generator use it; the demo loader resolves from the registry itself (loadCriteriaResolver).
 */
export function seedSetsResolver(config: Config): (round: number) => SetsForRound {
  const byId = new Map(SEED_CRITERIA_SETS.map((s) => [s.id, s]));
  return (round) => {
    const city = byId.get(setIdForRound(config, 'city', round) ?? '');
    const national = byId.get(setIdForRound(config, 'national', round) ?? '');
    if (!city || !national) throw new Error(`demo: no shipped criteria set for round ${round}`);
    return { city, national };
  };
}
