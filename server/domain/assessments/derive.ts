/**
 * Deprivation flags derived from survey facts (domain.md §5b). The thresholds are data of the criteria set
 * (`derivation`), defaulting to Decision 59/2015/QĐ-TTg Art. 1 cl. 2 as commonly applied. A fact that was not
 * surveyed (null) is unknown and derives nothing. Ages are counted at the round's survey date: by birth year, in the
 * year of the survey date (31 December of the round when there is none).
 */
import type { CriteriaSet, DerivationThresholds, Reason } from '../criteria/types.ts';
import type { Member } from '../households/rules.ts';

/** Decision 59/2015/QĐ-TTg Art. 1 cl. 2 (provisional wording, domain.md §2): 8 m², insurance from 6, school 5–<15, adults 15–<30. */
export const DEFAULT_DERIVATION: DerivationThresholds = {
  minFloorAreaPerPerson: 8,
  healthInsuranceMinAge: 6,
  schoolAge: { from: 5, below: 15 },
  adultEducationAge: { from: 15, below: 30 },
};

export const thresholdsOf = (set: CriteriaSet): DerivationThresholds => ({ ...DEFAULT_DERIVATION, ...(set.derivation ?? {}) });

/** The year ages are counted in: the survey date's year, or the round's (31 December) when none was recorded. */
export const ageYearOf = (round: number, surveyedAt: string | null | undefined): number => (surveyedAt ? Number(surveyedAt.slice(0, 4)) : round);

/** Members living at the survey date (a child born after it was not part of that round's household). */
export const membersAt = (members: Member[], ageYear: number): Member[] => members.filter((m) => m.birthYear <= ageYear);

export interface Derived {
  code: string;
  /** true: deprived; false: the facts show it is not; null: the facts are unknown. */
  deprived: boolean | null;
  reason: Reason | null;
}

const SOURCE = { vi: 'QĐ 59/2015/QĐ-TTg, Điều 1 khoản 2', en: 'Decision 59/2015/QĐ-TTg Art. 1 cl. 2' };

/** housing_area: floorArea < threshold × members, compared without division (24 m² for 3 people is exactly 8 m² each). */
export function deriveHousingArea(t: DerivationThresholds, floorArea: number | undefined, count: number): Derived {
  if (typeof floorArea !== 'number' || !(count > 0)) return { code: 'housing_area', deprived: null, reason: null };
  if (!(floorArea < t.minFloorAreaPerPerson * count)) return { code: 'housing_area', deprived: false, reason: null };
  return {
    code: 'housing_area',
    deprived: true,
    reason: {
      code: 'DERIVED_HOUSING_AREA',
      vi: `Suy ra "diện tích nhà ở": ${floorArea} m² cho ${count} người, dưới ${t.minFloorAreaPerPerson} m²/người (${SOURCE.vi})`,
      en: `Derived "floor area per person": ${floorArea} m² for ${count} people, below ${t.minFloorAreaPerPerson} m² per person (${SOURCE.en})`,
    },
  };
}

/** A member-fact indicator: deprived when a member in the age band has the fact false; unknown when any is null. */
function memberFact(code: string, members: Member[], inBand: (age: number) => boolean, fact: (m: Member) => boolean | null, ageYear: number, text: (n: number) => { vi: string; en: string }): Derived {
  const band = members.filter((m) => inBand(ageYear - m.birthYear));
  const lacking = band.filter((m) => fact(m) === false);
  if (lacking.length > 0) {
    const t = text(lacking.length);
    return { code, deprived: true, reason: { code: `DERIVED_${code.toUpperCase()}`, vi: `${t.vi} (${SOURCE.vi})`, en: `${t.en} (${SOURCE.en})` } };
  }
  return { code, deprived: band.some((m) => fact(m) === null || fact(m) === undefined) ? null : false, reason: null };
}

/** Every flag the facts allow deriving under this set's thresholds. */
export function deriveAll(set: CriteriaSet, members: Member[], facts: { floorArea?: number; membersCount?: number }, ageYear: number): Derived[] {
  const t = thresholdsOf(set);
  const present = membersAt(members, ageYear);
  const count = facts.membersCount ?? present.length;
  return [
    deriveHousingArea(t, facts.floorArea, count),
    memberFact('health_insurance', present, (age) => age >= t.healthInsuranceMinAge, (m) => m.hasHealthInsurance, ageYear, (n) => ({
      vi: `Suy ra "bảo hiểm y tế": ${n} thành viên từ ${t.healthInsuranceMinAge} tuổi trở lên không có thẻ BHYT`,
      en: `Derived "health insurance": ${n} member(s) aged ${t.healthInsuranceMinAge} or more without health insurance`,
    })),
    memberFact('child_schooling', present, (age) => age >= t.schoolAge.from && age < t.schoolAge.below, (m) => m.inSchool, ageYear, (n) => ({
      vi: `Suy ra "tình trạng đi học của trẻ em": ${n} trẻ từ ${t.schoolAge.from} đến dưới ${t.schoolAge.below} tuổi không đi học`,
      en: `Derived "children's school attendance": ${n} child(ren) aged ${t.schoolAge.from} to under ${t.schoolAge.below} not in school`,
    })),
  ];
}
