/**
 * The shape of a criteria set (domain.md §2–3, §7). A set is data: lines, indicators and the rule are stored in
 * `criteria_sets` and versioned, so a new standard (e.g. Decree 07/2021/NĐ-CP) needs no code change.
 */
export type Area = 'urban' | 'rural';
export type Category = 'poor' | 'near_poor' | 'average' | 'not_poor';
export type Standard = 'city' | 'national';
export type IncomePer = 'month' | 'year';

export const AREAS: readonly Area[] = ['urban', 'rural'];
export const CATEGORIES: readonly Category[] = ['poor', 'near_poor', 'average', 'not_poor'];
export const STANDARDS: readonly Standard[] = ['city', 'national'];
export const INCOME_PERS: readonly IncomePer[] = ['month', 'year'];

/** Income lines in VND per person, in the set's income unit. `average` = upper bound of the average band. */
export interface Lines {
  poor: number;
  nearPoor: number;
  average?: number;
}

export interface Indicator {
  code: string;
  dimension: string;
  vi: string;
  en: string;
  weight: number;
}

export type SetLines = { urban: Lines; rural: Lines } | { all: Lines };

export interface CriteriaRule {
  /**
   * 'count': deprived of ≥ cutoff indicators; 'score': sum of the weights of deprived indicators ≥ cutoff;
   * 'income_only': income alone decides (poor ≤ poor line, near-poor up to the near-poor line); deprivations are
   * recorded and shown but do not decide (domain.md §3: one reading of the city's rule).
   */
  kind: 'count' | 'score' | 'income_only';
  cutoff: number;
}

/** Thresholds for deriving deprivations from facts (domain.md §5b); ages in years, `below` exclusive. */
export interface DerivationThresholds {
  minFloorAreaPerPerson: number;
  healthInsuranceMinAge: number;
  schoolAge: { from: number; below: number };
  adultEducationAge: { from: number; below: number };
}

export interface CriteriaSet {
  id: string;
  version: number;
  standard: Standard;
  nameVi: string;
  nameEn: string;
  legalSource: string;
  incomeUnit: IncomePer;
  lines: SetLines;
  indicators: Indicator[];
  rule: CriteriaRule;
  /** Null/absent: the Decision 59 defaults (assessments/derive.ts DEFAULT_DERIVATION). */
  derivation?: DerivationThresholds | null;
  provisional: boolean;
}

export interface ClassifyInput {
  /** Needed only when the set distinguishes urban and rural lines. */
  area?: Area;
  income: { amount: number; per: IncomePer };
  deprivations: string[];
}

export interface Reason {
  code: string;
  vi: string;
  en: string;
}

export interface Classification {
  category: Category;
  deprivationCount: number;
  score?: number;
  reasons: Reason[];
}
