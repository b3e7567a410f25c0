/**
 * Pure rules for one yearly assessment: flags derived from survey facts, the classification under both standards,
 * the per-round list masks stored on the household, and the yearly transitions (domain.md §4).
 */
import { errors } from '../../errors.ts';
import { classify } from '../criteria/classify.ts';
import type { Area, Category, CriteriaSet, IncomePer, Reason } from '../criteria/types.ts';
export { DEFAULT_DERIVATION } from './derive.ts';
import type { Member } from '../households/rules.ts';
import { ageYearOf, deriveAll, membersAt, type Derived } from './derive.ts';

export interface AssessmentFacts {
  /** Usable floor area of the dwelling, m². */
  floorArea?: number;
  /** Members living in the dwelling; defaults to the household's member list. */
  membersCount?: number;
  [key: string]: unknown;
}

export interface AssessmentInput {
  income: { amount: number; per: IncomePer };
  deprivations: string[];
  facts?: AssessmentFacts;
  surveyedAt?: string | null;
  surveyor?: string | null;
}

export interface StoredResult {
  setId: string;
  version: number;
  category: Category;
  deprivationCount: number;
  score?: number;
  reasons: Reason[];
}

export interface EvaluatedAssessment {
  deprivations: string[];
  facts: AssessmentFacts;
  results: { city: StoredResult; national: StoredResult; warnings?: AssessmentWarning[] };
  cityCategory: Category;
  nationalCategory: Category;
}

function toStored(set: CriteriaSet, c: ReturnType<typeof classify>, derived: Derived[]): StoredResult {
  const known = new Set(set.indicators.map((i) => i.code));
  const reasons = [...c.reasons, ...derived.filter((d) => d.reason && known.has(d.code)).map((d) => d.reason!)];
  const out: StoredResult = { setId: set.id, version: set.version, category: c.category, deprivationCount: c.deprivationCount, reasons };
  if (c.score !== undefined) out.score = c.score;
  return out;
}

/** A tick the facts contradict (domain.md §5b): the tick stands, the form shows this warning. */
export interface AssessmentWarning {
  code: 'DERIVED_DIFFERS';
  indicator: string;
  vi: string;
  en: string;
}

/**
 * Classifies one assessment under the city and the national set, from the facts of that round: the members as
 * surveyed (ages at the survey date, or 31 December of the round) and the area. Given codes must exist in at least
 * one of the two sets (else VALIDATION_FAILED naming them); each set counts only its own indicators and derives flags
 * with its own thresholds (criteria-set data). Derived flags are added to the given ones (never removed) and
 * explained in the reasons; a ticked flag the known facts contradict stays and gets a DERIVED_DIFFERS warning.
 */
export function evaluateAssessment(
  sets: { city: CriteriaSet; national: CriteriaSet },
  household: { area: Area; members: Member[] },
  input: AssessmentInput & { round: number },
): EvaluatedAssessment {
  // `derived` is ours to write: a client cannot claim which flags were derived.
  const { derived: _claimed, ...facts }: AssessmentFacts = { ...(input.facts ?? {}) };
  const ageYear = ageYearOf(input.round, input.surveyedAt);
  const present = membersAt(household.members, ageYear);
  // Record the household size the assessment was judged with (the survey form and the import always give it), so
  // an assessment entered on screen and the same one re-imported from an export compare equal.
  if (facts.membersCount === undefined && present.length > 0) facts.membersCount = present.length;
  const known = new Set([...sets.city.indicators, ...sets.national.indicators].map((i) => i.code));
  const unknown = [...new Set(input.deprivations.filter((c) => !known.has(c)))];
  if (unknown.length > 0) {
    throw errors.validation([
      { path: 'deprivations', code: 'UNKNOWN_INDICATOR', value: unknown, message: { vi: `Chỉ số không tồn tại: ${unknown.join(', ')}`, en: `Unknown indicators: ${unknown.join(', ')}` } },
    ]);
  }
  const given = new Set(input.deprivations);
  const all = new Set(input.deprivations);
  const addedCodes = new Set<string>();
  const warnings = new Map<string, AssessmentWarning>();
  const run = (set: CriteriaSet) => {
    const own = new Set(set.indicators.map((i) => i.code));
    const derived = deriveAll(set, household.members, facts, ageYear).filter((d) => own.has(d.code));
    const codes = new Set([...given].filter((c) => own.has(c)));
    for (const d of derived) {
      if (d.deprived === true) {
        codes.add(d.code);
        all.add(d.code);
        if (!given.has(d.code)) addedCodes.add(d.code);
      } else if (d.deprived === false && given.has(d.code) && !warnings.has(d.code)) {
        const ind = set.indicators.find((i) => i.code === d.code)!;
        warnings.set(d.code, { code: 'DERIVED_DIFFERS', indicator: d.code, vi: `"${ind.vi}" được đánh dấu thiếu hụt nhưng dữ liệu khảo sát cho thấy không thiếu hụt; giữ theo đánh dấu của điều tra viên`, en: `"${ind.en}" is ticked as deprived but the survey facts show it is not; the surveyor's tick stands` });
      }
    }
    return toStored(set, classify(set, { area: household.area, income: input.income, deprivations: [...codes] }), derived);
  };
  const city = run(sets.city);
  const national = run(sets.national);
  const deprivations = [...known].filter((c) => all.has(c)); // stable order: city, then national-only codes
  // Only flags the survey did not give, so the given ones can be recovered for a re-classification.
  if (addedCodes.size > 0) facts.derived = [...known].filter((c) => addedCodes.has(c));
  const results: EvaluatedAssessment['results'] = { city, national };
  if (warnings.size > 0) results.warnings = [...warnings.values()];
  return { deprivations, facts, results, cityCategory: city.category, nationalCategory: national.category };
}

export interface ListMasks {
  cityPoorMask: number;
  cityNearPoorMask: number;
  nationalPoorMask: number;
  nationalNearPoorMask: number;
  /** Assessed in the round at all; and "average" under each standard (the household list's filters, issue 14). */
  assessedMask: number;
  cityAverageMask: number;
  nationalAverageMask: number;
}

/** Highest bit index usable in the signed 32-bit mask columns. */
export const MAX_MASK_BIT = 30;

/** Bit of a round in the mask columns (docs/ARCHITECTURE.md "Domain storage notes"). */
export function roundBit(round: number, roundMin: number): number {
  const k = round - roundMin;
  if (!Number.isInteger(k) || k < 0 || k > MAX_MASK_BIT) throw new RangeError(`round ${round} outside the mask range from ${roundMin}`);
  return 1 << k;
}

/** Recomputes the round masks of a household from all its assessments. */
export function listMasks(rows: { round: number; cityCategory: Category | null; nationalCategory: Category | null }[], roundMin: number): ListMasks {
  const m: ListMasks = { cityPoorMask: 0, cityNearPoorMask: 0, nationalPoorMask: 0, nationalNearPoorMask: 0, assessedMask: 0, cityAverageMask: 0, nationalAverageMask: 0 };
  for (const r of rows) {
    const bit = roundBit(r.round, roundMin);
    m.assessedMask |= bit;
    if (r.cityCategory === 'average') m.cityAverageMask |= bit;
    if (r.nationalCategory === 'average') m.nationalAverageMask |= bit;
    if (r.cityCategory === 'poor') m.cityPoorMask |= bit;
    if (r.cityCategory === 'near_poor') m.cityNearPoorMask |= bit;
    if (r.nationalCategory === 'poor') m.nationalPoorMask |= bit;
    if (r.nationalCategory === 'near_poor') m.nationalNearPoorMask |= bit;
  }
  return m;
}

export type Transition = 'new' | 'fell_back' | 'stayed' | 'escaped';

/**
 * The change for one list between round − 1 and round (domain.md §4): `stayed` (on both), `escaped` (on before, off
 * now), `fell_back` (on now, off in round − 1, on in some earlier round), `new` (on now, never before), null when off
 * in both. In the first round every household on the list is `new` (nothing earlier is known).
 */
export function transitionsFor(mask: number, round: number, roundMin: number): Transition | null {
  const onNow = (mask & roundBit(round, roundMin)) !== 0;
  if (round === roundMin) return onNow ? 'new' : null;
  const onBefore = (mask & roundBit(round - 1, roundMin)) !== 0;
  if (onNow && onBefore) return 'stayed';
  if (!onNow) return onBefore ? 'escaped' : null;
  const earlier = mask & (roundBit(round - 1, roundMin) - 1); // bits of rounds before round − 1
  return earlier !== 0 ? 'fell_back' : 'new';
}

/** The flags the survey gave (stored deprivations minus the ones derived from facts), for a re-classification. */
export function givenDeprivations(stored: { deprivations: unknown; facts: unknown }): string[] {
  const derived = new Set(((stored.facts as AssessmentFacts | null)?.derived as string[] | undefined) ?? []);
  return ((stored.deprivations as string[] | null) ?? []).filter((c) => !derived.has(c));
}
