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
  /** 'count': deprived of ≥ cutoff indicators; 'score': sum of the weights of deprived indicators ≥ cutoff. */
  kind: 'count' | 'score';
  cutoff: number;
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
