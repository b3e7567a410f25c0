/**
 * Classification under a criteria set — pure functions, one per rule, each citing its legal source.
 *
 * National standard: Decision 59/2015/QĐ-TTg, Art. 2 (standards of poor, near-poor and average-living-standard
 * households), using the income criterion and the deprivation indicators of Art. 1.
 * HCMC standard 2016–2020: decisions of the city People's Committee (domain.md §3). Their indicator list and rule are
 * provisional data with the national shape; the code below only reads the set, so a new version needs no change.
 *
 * Income is compared exactly, in integers, inclusive at every line; amounts in a different unit than the line are
 * compared by multiplying (amount ≤ line × 12 or amount × 12 ≤ line), never by dividing.
 */
import { errors } from '../../errors.ts';
import type { Area, Category, Classification, ClassifyInput, CriteriaSet, IncomePer, Lines, Reason } from './types.ts';

const MONTHS_PER_YEAR = 12n;

/** Exact `amount (per amountUnit) ≤ line (per lineUnit)` in integers, as BigInt so no product loses precision. */
export function incomeAtOrBelow(income: { amount: number; per: IncomePer }, line: number, lineUnit: IncomePer): boolean {
  const amount = BigInt(income.amount);
  const limit = BigInt(line);
  if (income.per === lineUnit) return amount <= limit;
  if (income.per === 'year') return amount <= limit * MONTHS_PER_YEAR; // yearly amount vs monthly line
  return amount * MONTHS_PER_YEAR <= limit; // monthly amount vs yearly line
}

/** The lines that apply: per area where the set distinguishes urban/rural (Decision 59 Art. 2 points a, b). */
export function linesFor(set: CriteriaSet, area: Area | undefined): Lines {
  if ('all' in set.lines) return set.lines.all;
  if (!area) {
    throw errors.validation([
      { path: 'area', code: 'any.required', message: { vi: 'Bộ tiêu chí này phân biệt thành thị/nông thôn: cần nhập khu vực', en: 'This criteria set has urban/rural lines: area is required' } },
    ]);
  }
  return set.lines[area];
}

/** Refuses codes the set does not define, naming them (path 'deprivations'); returns the distinct codes. */
export function checkIndicatorCodes(set: CriteriaSet, codes: string[]): string[] {
  const known = new Set(set.indicators.map((i) => i.code));
  const unknown = [...new Set(codes.filter((c) => !known.has(c)))];
  if (unknown.length > 0) {
    throw errors.validation([
      {
        path: 'deprivations',
        code: 'UNKNOWN_INDICATOR',
        value: unknown,
        message: {
          vi: `Chỉ số không có trong bộ tiêu chí ${set.id}: ${unknown.join(', ')}`,
          en: `Indicators not in criteria set ${set.id}: ${unknown.join(', ')}`,
        },
      },
    ]);
  }
  return [...new Set(codes)];
}

function checkIncome(income: { amount: number; per: IncomePer }): void {
  if (!Number.isSafeInteger(income.amount) || income.amount < 0 || (income.per !== 'month' && income.per !== 'year')) {
    throw errors.validation([
      { path: 'income', code: 'INVALID', message: { vi: 'Thu nhập phải là số nguyên VND ≥ 0, theo tháng hoặc năm', en: 'Income must be a whole VND amount ≥ 0, per month or per year' } },
    ]);
  }
}

/**
 * The deprivation measure (Decision 59 Art. 1 cl. 2: deprivation of basic social services, counted per indicator).
 * A 'score' rule (city sets may weight indicators, domain.md §3) sums the weights, rounded to 1e-6 so that
 * decimal weights such as 0.1 + 0.2 meet a cut-off of 0.3 exactly.
 */
export function deprivationMeasure(set: CriteriaSet, codes: string[]): { count: number; score?: number } {
  const deprived = new Set(codes);
  const count = set.indicators.filter((i) => deprived.has(i.code)).length;
  if (set.rule.kind === 'count') return { count };
  const sum = set.indicators.filter((i) => deprived.has(i.code)).reduce((s, i) => s + i.weight, 0);
  return { count, score: Math.round(sum * 1e6) / 1e6 };
}

/** Whether the measure reaches the set's cut-off (Decision 59 Art. 2 cl. 1: "thiếu hụt từ 03 chỉ số trở lên"). */
export function meetsDeprivationCutoff(set: CriteriaSet, measure: { count: number; score?: number }): boolean {
  if (set.rule.kind === 'income_only') return false; // deprivations are recorded, never deciding
  return set.rule.kind === 'count' ? measure.count >= set.rule.cutoff : (measure.score ?? 0) >= set.rule.cutoff;
}

const vnd = (n: number, locale: 'vi' | 'en') => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, locale === 'vi' ? '.' : ',');
const unitVi = (u: IncomePer) => (u === 'month' ? 'người/tháng' : 'người/năm');
const unitEn = (u: IncomePer) => (u === 'month' ? 'person/month' : 'person/year');
const lineText = (n: number, u: IncomePer) => ({ vi: `${vnd(n, 'vi')} đồng/${unitVi(u)}`, en: `VND ${vnd(n, 'en')} per ${unitEn(u)}` });

type RuleArgs = { set: CriteriaSet; lines: Lines; income: ClassifyInput['income']; deprived: boolean };
type RuleResult = { category: Category; reason: Reason } | null;

/** Decision 59/2015/QĐ-TTg Art. 2 cl. 1 (first limb): income at or below the poverty line → poor. */
export function poorByIncome({ set, lines, income }: RuleArgs): RuleResult {
  if (!incomeAtOrBelow(income, lines.poor, set.incomeUnit)) return null;
  const l = lineText(lines.poor, set.incomeUnit);
  return {
    category: 'poor',
    reason: { code: 'INCOME_AT_OR_BELOW_POOR_LINE', vi: `Thu nhập không vượt chuẩn nghèo (${l.vi}) — ${set.legalSource}`, en: `Income at or below the poverty line (${l.en}) — ${set.legalSource}` },
  };
}

/** Decision 59/2015/QĐ-TTg Art. 2 cl. 1 (second limb): between the lines and deprived at the cut-off → poor. */
export function poorByDeprivation({ set, lines, income, deprived }: RuleArgs): RuleResult {
  if (!deprived || !incomeAtOrBelow(income, lines.nearPoor, set.incomeUnit)) return null;
  const l = lineText(lines.nearPoor, set.incomeUnit);
  return {
    category: 'poor',
    reason: {
      code: 'DEPRIVED_BETWEEN_LINES',
      vi: `Thu nhập trên chuẩn nghèo, không vượt chuẩn cận nghèo (${l.vi}) và thiếu hụt từ ngưỡng ${set.rule.cutoff} trở lên — ${set.legalSource}`,
      en: `Income above the poverty line, at or below the near-poverty line (${l.en}), deprivation at or above the cut-off ${set.rule.cutoff} — ${set.legalSource}`,
    },
  };
}

/** Decision 59/2015/QĐ-TTg Art. 2 cl. 2: between the lines and below the deprivation cut-off → near-poor. */
export function nearPoor({ set, lines, income, deprived }: RuleArgs): RuleResult {
  if (deprived || !incomeAtOrBelow(income, lines.nearPoor, set.incomeUnit)) return null;
  const l = lineText(lines.nearPoor, set.incomeUnit);
  return {
    category: 'near_poor',
    reason: {
      code: 'NEAR_POOR_BETWEEN_LINES',
      vi: `Thu nhập trên chuẩn nghèo, không vượt chuẩn cận nghèo (${l.vi}), thiếu hụt dưới ngưỡng ${set.rule.cutoff} — ${set.legalSource}`,
      en: `Income above the poverty line, at or below the near-poverty line (${l.en}), deprivation below the cut-off ${set.rule.cutoff} — ${set.legalSource}`,
    },
  };
}

/**
 * Decision 59/2015/QĐ-TTg Art. 2 cl. 3: above the near-poverty line and at or below the upper bound → average
 * living standard (no deprivation test). Only for sets that define the band (the HCMC sets do not).
 */
export function averageLivingStandard({ set, lines, income }: RuleArgs): RuleResult {
  if (lines.average === undefined || !incomeAtOrBelow(income, lines.average, set.incomeUnit)) return null;
  const l = lineText(lines.average, set.incomeUnit);
  return {
    category: 'average',
    reason: { code: 'AVERAGE_LIVING_STANDARD', vi: `Thu nhập trên chuẩn cận nghèo, không vượt ${l.vi} (mức sống trung bình) — ${set.legalSource}`, en: `Income above the near-poverty line, at or below ${l.en} (average living standard) — ${set.legalSource}` },
  };
}

/** Above every line of the set → not poor (Decision 59 Art. 2 a contrario). */
export function notPoor({ set }: RuleArgs): { category: Category; reason: Reason } {
  return {
    category: 'not_poor',
    reason: { code: 'ABOVE_LINES', vi: `Thu nhập trên các chuẩn của bộ tiêu chí — ${set.legalSource}`, en: `Income above every line of the criteria set — ${set.legalSource}` },
  };
}

/** Rules in the order Decision 59 Art. 2 states them; the first that applies decides. */
const RULES = [poorByIncome, poorByDeprivation, nearPoor, averageLivingStandard];

export function classify(set: CriteriaSet, input: ClassifyInput): Classification {
  checkIncome(input.income);
  const codes = checkIndicatorCodes(set, input.deprivations);
  const lines = linesFor(set, input.area);
  const measure = deprivationMeasure(set, codes);
  const deprived = meetsDeprivationCutoff(set, measure);
  const args: RuleArgs = { set, lines, income: input.income, deprived };
  const decided = RULES.map((rule) => rule(args)).find((r) => r !== null) ?? notPoor(args);

  const reasons: Reason[] = [decided.reason];
  const measured = set.rule.kind === 'score' ? `${measure.score} (${measure.count})` : `${measure.count}`;
  reasons.push(
    set.rule.kind === 'income_only'
      ? { code: 'DEPRIVATION_MEASURE', vi: `Số chỉ số thiếu hụt: ${measured} (chỉ ghi nhận; bộ tiêu chí xét theo thu nhập)`, en: `Deprivation count: ${measured} (recorded only; this set decides by income)` }
      : {
          code: 'DEPRIVATION_MEASURE',
          vi: `Số chỉ số thiếu hụt${set.rule.kind === 'score' ? ' (điểm)' : ''}: ${measured}; ngưỡng ${set.rule.cutoff}`,
          en: `Deprivation ${set.rule.kind === 'score' ? 'score (count)' : 'count'}: ${measured}; cut-off ${set.rule.cutoff}`,
        },
  );
  // domain.md §2: above the near-poverty line, deprivation alone never makes a household poor; reports may count it.
  if (deprived && (decided.category === 'average' || decided.category === 'not_poor')) {
    reasons.push({ code: 'DEPRIVED_OF_BASIC_SERVICES', vi: 'Thiếu hụt dịch vụ xã hội cơ bản nhưng thu nhập trên chuẩn cận nghèo', en: 'Deprived of basic social services, but income above the near-poverty line' });
  }
  const result: Classification = { category: decided.category, deprivationCount: measure.count, reasons };
  if (measure.score !== undefined) result.score = measure.score;
  return result;
}
