import { expect } from 'chai';
import { classify, incomeAtOrBelow } from '../../server/domain/criteria/classify.ts';
import { SEED_CRITERIA_SETS } from '../../server/domain/criteria/seed.ts';
import type { Area, Category, CriteriaSet, IncomePer } from '../../server/domain/criteria/types.ts';
import { AppError } from '../../server/errors.ts';

const set = (id: string) => SEED_CRITERIA_SETS.find((s) => s.id === id)!;
const VN = set('vn-2016-2020');
const HCM18 = set('hcm-2016-2018');
const HCM20 = set('hcm-2019-2020');
const D2 = ['water', 'toilet'];
const D3 = ['water', 'toilet', 'telecom'];
const C3 = ['employment', 'social_insurance', 'vocational_training'];
const C2 = ['employment', 'water'];

type Row = [set: CriteriaSet, area: Area | undefined, amount: number, per: IncomePer, deprivations: string[], expected: Category];

// Decision 59/2015/QĐ-TTg Art. 2 and the HCMC sets (domain.md §2–3): at, just below and just above every line.
const cases: Row[] = [];
const nationalLines: [Area, number, number, number][] = [
  ['rural', 700_000, 1_000_000, 1_500_000],
  ['urban', 900_000, 1_300_000, 1_950_000],
];
for (const [area, poor, near, avg] of nationalLines) {
  cases.push(
    [VN, area, 0, 'month', [], 'poor'],
    [VN, area, poor - 1, 'month', [], 'poor'],
    [VN, area, poor, 'month', [], 'poor'],
    [VN, area, poor + 1, 'month', [], 'near_poor'],
    [VN, area, poor + 1, 'month', D2, 'near_poor'],
    [VN, area, poor + 1, 'month', D3, 'poor'],
    [VN, area, near - 1, 'month', D3, 'poor'],
    [VN, area, near, 'month', D3, 'poor'],
    [VN, area, near, 'month', D2, 'near_poor'],
    [VN, area, near + 1, 'month', D3, 'average'],
    [VN, area, near + 1, 'month', [], 'average'],
    [VN, area, avg, 'month', [], 'average'],
    [VN, area, avg + 1, 'month', [], 'not_poor'],
    [VN, area, avg + 1, 'month', [...D3, 'info_assets'], 'not_poor'],
    // The same household stated per year: exact at the line × 12.
    [VN, area, poor * 12, 'year', [], 'poor'],
    [VN, area, poor * 12 + 1, 'year', [], 'near_poor'],
    [VN, area, near * 12, 'year', D2, 'near_poor'],
    [VN, area, near * 12 + 1, 'year', D2, 'average'],
    [VN, area, avg * 12, 'year', [], 'average'],
    [VN, area, avg * 12 + 1, 'year', [], 'not_poor'],
  );
}
for (const [s, poor, near] of [[HCM18, 21_000_000, 28_000_000], [HCM20, 28_000_000, 36_000_000]] as const) {
  for (const area of [undefined, 'urban', 'rural'] as const) {
    cases.push(
      [s, area, poor, 'year', [], 'poor'],
      [s, area, poor + 1, 'year', [], 'near_poor'],
      [s, area, poor + 1, 'year', C3, 'poor'],
      [s, area, near, 'year', C3, 'poor'],
      [s, area, near, 'year', C2, 'near_poor'],
      [s, area, near + 1, 'year', C3, 'not_poor'], // the city sets define no "average" band
    );
  }
  // A monthly amount against a yearly line: amount × 12 ≤ line, never dividing (21M/12 = 1,750,000 exactly;
  // 28M/12 and 36M/12 are 2,333,333.33 and 3,000,000).
  cases.push(
    [s, undefined, Math.floor(poor / 12), 'month', [], 'poor'],
    [s, undefined, Math.floor(poor / 12) + 1, 'month', [], 'near_poor'],
    [s, undefined, Math.floor(near / 12), 'month', [], 'near_poor'],
    [s, undefined, Math.floor(near / 12) + 1, 'month', [], 'not_poor'],
  );
}

describe('classify: table of cases at and around every line', () => {
  it('has at least 60 cases', () => expect(cases.length).to.be.at.least(60));
  for (const [s, area, amount, per, deprivations, expected] of cases) {
    it(`${s.id} ${area ?? 'any'} ${amount}/${per} D=${deprivations.length} → ${expected}`, () => {
      const r = classify(s, { area, income: { amount, per }, deprivations });
      expect(r.category).to.equal(expected);
      expect(r.deprivationCount).to.equal(deprivations.length);
      expect(r.score).to.equal(undefined);
      expect(r.reasons[0]!.vi).to.be.a('string').and.not.empty;
      expect(r.reasons[0]!.en).to.be.a('string').and.not.empty;
    });
  }
});

describe('classify: units, codes, reasons', () => {
  it('compares across units without dividing (HCMC 28M/year vs 2,333,333 and 2,333,334 per month)', () => {
    expect(incomeAtOrBelow({ amount: 2_333_333, per: 'month' }, 28_000_000, 'year')).to.equal(true);
    expect(incomeAtOrBelow({ amount: 2_333_334, per: 'month' }, 28_000_000, 'year')).to.equal(false);
    expect(incomeAtOrBelow({ amount: 10_800_000, per: 'year' }, 900_000, 'month')).to.equal(true);
    expect(incomeAtOrBelow({ amount: 10_800_001, per: 'year' }, 900_000, 'month')).to.equal(false);
    expect(incomeAtOrBelow({ amount: Number.MAX_SAFE_INTEGER, per: 'month' }, Number.MAX_SAFE_INTEGER, 'year')).to.equal(false);
  });

  it('names unknown indicator codes in a VALIDATION_FAILED on path "deprivations"', () => {
    try {
      classify(VN, { area: 'urban', income: { amount: 1, per: 'month' }, deprivations: ['water', 'employment', 'nope'] });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(AppError);
      const e = err as AppError;
      expect(e.code).to.equal('VALIDATION_FAILED');
      expect(e.details[0]!.path).to.equal('deprivations');
      expect(e.details[0]!.value).to.deep.equal(['employment', 'nope']);
      expect(e.details[0]!.message.en).to.contain('employment').and.contain('nope');
    }
  });

  it('requires the area for a set with urban/rural lines, not for a one-line set', () => {
    expect(() => classify(VN, { income: { amount: 1, per: 'month' }, deprivations: [] })).to.throw(AppError);
    expect(classify(HCM18, { income: { amount: 1, per: 'year' }, deprivations: [] }).category).to.equal('poor');
  });

  it('counts a repeated code once and refuses negative or fractional income', () => {
    expect(classify(VN, { area: 'rural', income: { amount: 800_000, per: 'month' }, deprivations: ['water', 'water', 'toilet'] }).deprivationCount).to.equal(2);
    expect(() => classify(VN, { area: 'rural', income: { amount: -1, per: 'month' }, deprivations: [] })).to.throw(AppError);
    expect(() => classify(VN, { area: 'rural', income: { amount: 1.5, per: 'month' }, deprivations: [] })).to.throw(AppError);
  });

  it('cites the legal source and flags deprivation above the near-poor line', () => {
    const r = classify(VN, { area: 'urban', income: { amount: 1_400_000, per: 'month' }, deprivations: D3 });
    expect(r.reasons[0]!.code).to.equal('AVERAGE_LIVING_STANDARD');
    expect(r.reasons[0]!.vi).to.contain('59/2015/QĐ-TTg');
    expect(r.reasons.map((x) => x.code)).to.include('DEPRIVED_OF_BASIC_SERVICES');
    const p = classify(VN, { area: 'urban', income: { amount: 900_000, per: 'month' }, deprivations: [] });
    expect(p.reasons[0]!.code).to.equal('INCOME_AT_OR_BELOW_POOR_LINE');
    expect(p.reasons[0]!.vi).to.contain('900.000');
    expect(p.reasons[0]!.en).to.contain('900,000');
  });
});

describe('classify: the weighted score rule', () => {
  const scored: CriteriaSet = {
    ...HCM20,
    id: 'hcm-score',
    rule: { kind: 'score', cutoff: 0.3 },
    indicators: HCM20.indicators.map((i) => ({ ...i, weight: i.code === 'employment' ? 0.2 : 0.1 })),
  };
  const between = { amount: 30_000_000, per: 'year' as const };
  const cases: [string[], Category, number][] = [
    [[], 'near_poor', 0],
    [['water', 'info_access'], 'near_poor', 0.2],
    [['water', 'info_access', 'health_access'], 'poor', 0.3], // 0.1 + 0.1 + 0.1 meets 0.3 exactly
    [['employment'], 'near_poor', 0.2],
    [['employment', 'water'], 'poor', 0.3],
    [['employment', 'water', 'housing_area'], 'poor', 0.4],
  ];
  for (const [codes, expected, score] of cases) {
    it(`score ${score} against cut-off 0.3 → ${expected}`, () => {
      const r = classify(scored, { income: between, deprivations: codes });
      expect(r.category).to.equal(expected);
      expect(r.score).to.equal(score);
      expect(r.deprivationCount).to.equal(codes.length);
    });
  }
  it('a score rule still leaves income at or below the poor line poor', () => {
    expect(classify(scored, { income: { amount: 28_000_000, per: 'year' }, deprivations: [] }).category).to.equal('poor');
  });
});
