/**
 * Pure rules for one yearly assessment: flags derived from survey facts, the classification under both standards,
 * the per-round list masks stored on the household, and the yearly transitions (domain.md §4).
 */
import { errors } from '../../errors.ts';
import { classify } from '../criteria/classify.ts';
import type { Area, Category, CriteriaSet, IncomePer, Reason } from '../criteria/types.ts';
import type { Member } from '../households/rules.ts';

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
  results: { city: StoredResult; national: StoredResult };
  cityCategory: Category;
  nationalCategory: Category;
}

/** Decision 59/2015/QĐ-TTg Art. 1 cl. 2 (housing): deprived when floor area per person is below 8 m². */
export const MIN_FLOOR_AREA_PER_PERSON = 8;
/** Decision 59/2015/QĐ-TTg Art. 1 cl. 2 (health): deprived when a member aged 6 or more has no health insurance. */
export const HEALTH_INSURANCE_MIN_AGE = 6;

/**
 * housing_area from facts: floorArea < 8 × members, compared as given (no division, so 24 m² for 3 people is
 * exactly 8 m² each and not deprived).
 */
export function deriveHousingArea(facts: AssessmentFacts, members: Member[]): Reason | null {
  if (typeof facts.floorArea !== 'number') return null;
  const count = facts.membersCount ?? members.length;
  if (!(count > 0) || !(facts.floorArea < MIN_FLOOR_AREA_PER_PERSON * count)) return null;
  return {
    code: 'DERIVED_HOUSING_AREA',
    vi: `Suy ra "diện tích nhà ở": ${facts.floorArea} m² cho ${count} người, dưới ${MIN_FLOOR_AREA_PER_PERSON} m²/người (QĐ 59/2015/QĐ-TTg, Điều 1 khoản 2)`,
    en: `Derived "floor area per person": ${facts.floorArea} m² for ${count} people, below ${MIN_FLOOR_AREA_PER_PERSON} m² per person (Decision 59/2015/QĐ-TTg Art. 1 cl. 2)`,
  };
}

/**
 * health_insurance from the member list: age counted by birth year in the round's year (round 2015 = the baseline
 * census surveyed in late 2015), so a child born in 2010 counts from round 2016.
 */
export function deriveHealthInsurance(members: Member[], round: number): Reason | null {
  const uninsured = members.filter((m) => round - m.birthYear >= HEALTH_INSURANCE_MIN_AGE && m.hasHealthInsurance === false);
  if (uninsured.length === 0) return null;
  return {
    code: 'DERIVED_HEALTH_INSURANCE',
    vi: `Suy ra "bảo hiểm y tế": ${uninsured.length} thành viên từ ${HEALTH_INSURANCE_MIN_AGE} tuổi trở lên không có thẻ BHYT (QĐ 59/2015/QĐ-TTg, Điều 1 khoản 2)`,
    en: `Derived "health insurance": ${uninsured.length} member(s) aged ${HEALTH_INSURANCE_MIN_AGE} or more without health insurance (Decision 59/2015/QĐ-TTg Art. 1 cl. 2)`,
  };
}

function toStored(set: CriteriaSet, c: ReturnType<typeof classify>, derived: { code: string; reason: Reason }[]): StoredResult {
  const known = new Set(set.indicators.map((i) => i.code));
  const reasons = [...c.reasons, ...derived.filter((d) => known.has(d.code)).map((d) => d.reason)];
  const out: StoredResult = { setId: set.id, version: set.version, category: c.category, deprivationCount: c.deprivationCount, reasons };
  if (c.score !== undefined) out.score = c.score;
  return out;
}

/**
 * Classifies one assessment under the city and the national set. Given codes must exist in at least one of the two
 * sets (else VALIDATION_FAILED naming them); each set counts only its own indicators. Derived flags are added to the
 * given ones (never removed) and explained in the reasons.
 */
export function evaluateAssessment(
  sets: { city: CriteriaSet; national: CriteriaSet },
  household: { area: Area; members: Member[] },
  input: AssessmentInput & { round: number },
): EvaluatedAssessment {
  // `derived` is ours to write: a client cannot claim which flags were derived.
  const { derived: _claimed, ...facts }: AssessmentFacts = { ...(input.facts ?? {}) };
  // Record the household size the assessment was judged with (the survey form and the import always give it), so
  // an assessment entered on screen and the same one re-imported from an export compare equal.
  if (facts.membersCount === undefined && household.members.length > 0) facts.membersCount = household.members.length;
  const known = new Set([...sets.city.indicators, ...sets.national.indicators].map((i) => i.code));
  const unknown = [...new Set(input.deprivations.filter((c) => !known.has(c)))];
  if (unknown.length > 0) {
    throw errors.validation([
      { path: 'deprivations', code: 'UNKNOWN_INDICATOR', value: unknown, message: { vi: `Chỉ số không tồn tại: ${unknown.join(', ')}`, en: `Unknown indicators: ${unknown.join(', ')}` } },
    ]);
  }
  const derived: { code: string; reason: Reason }[] = [];
  const housing = deriveHousingArea(facts, household.members);
  if (housing) derived.push({ code: 'housing_area', reason: housing });
  const insurance = deriveHealthInsurance(household.members, input.round);
  if (insurance) derived.push({ code: 'health_insurance', reason: insurance });

  const all = new Set(input.deprivations);
  for (const d of derived) if (known.has(d.code)) all.add(d.code);
  const deprivations = [...known].filter((c) => all.has(c)); // stable order: city, then national-only codes
  // Only flags the survey did not give, so the given ones can be recovered for a re-classification.
  const added = derived.map((d) => d.code).filter((c) => known.has(c) && !input.deprivations.includes(c));
  if (added.length > 0) facts.derived = added;

  const run = (set: CriteriaSet) => {
    const own = new Set(set.indicators.map((i) => i.code));
    return toStored(set, classify(set, { area: household.area, income: input.income, deprivations: deprivations.filter((c) => own.has(c)) }), derived);
  };
  const city = run(sets.city);
  const national = run(sets.national);
  return { deprivations, facts, results: { city, national }, cityCategory: city.category, nationalCategory: national.category };
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
