import { expect } from 'chai';
import { evaluateAssessment, listMasks, transitionsFor, roundBit, type Transition } from '../../server/domain/assessments/rules.ts';
import { SEED_CRITERIA_SETS } from '../../server/domain/criteria/seed.ts';
import type { Member } from '../../server/domain/households/rules.ts';
import type { Category } from '../../server/domain/criteria/types.ts';
import { AppError } from '../../server/errors.ts';

const sets = { city: SEED_CRITERIA_SETS.find((s) => s.id === 'hcm-2016-2018')!, national: SEED_CRITERIA_SETS.find((s) => s.id === 'vn-2016-2020')! };
const member = (birthYear: number, hasHealthInsurance = true): Member => ({ name: 'A', birthYear, sex: 'female', relation: 'con', idNumber: null, hasHealthInsurance, inSchool: false });
const insured = [member(1970), member(1972), member(2000)];

describe('assessment rules: derived flags', () => {
  const cases: [string, number | undefined, number | undefined, boolean][] = [
    ['23.9 m² for 3 members', 23.9, undefined, true],
    ['24 m² for 3 members (exactly 8 m² each)', 24, undefined, false],
    ['24.1 m² for 3 members', 24.1, undefined, false],
    ['31 m² for membersCount 4', 31, 4, true],
    ['32 m² for membersCount 4', 32, 4, false],
    ['no floor area given', undefined, undefined, false],
  ];
  for (const [label, floorArea, membersCount, expected] of cases) {
    it(`housing_area: ${label} → ${expected ? 'deprived' : 'not deprived'}`, () => {
      const facts = floorArea === undefined ? {} : { floorArea, ...(membersCount ? { membersCount } : {}) };
      const r = evaluateAssessment(sets, { area: 'urban', members: insured }, { round: 2016, income: { amount: 5_000_000, per: 'month' }, deprivations: [], facts });
      expect(r.deprivations.includes('housing_area')).to.equal(expected);
      expect(r.results.national.reasons.some((x) => x.code === 'DERIVED_HOUSING_AREA')).to.equal(expected);
      expect(r.results.city.reasons.some((x) => x.code === 'DERIVED_HOUSING_AREA')).to.equal(expected);
      if (expected) expect(r.facts.derived).to.deep.equal(['housing_area']);
    });
  }

  const ages: [string, number, number, boolean][] = [
    ['child born 2010, round 2016 (age 6) uninsured', 2010, 2016, true],
    ['child born 2010, round 2015 (age 5) uninsured', 2010, 2015, false],
    ['child born 2011, round 2016 (age 5) uninsured', 2011, 2016, false],
    ['adult born 1980 uninsured', 1980, 2015, true],
  ];
  for (const [label, birthYear, round, expected] of ages) {
    it(`health_insurance: ${label} → ${expected}`, () => {
      const r = evaluateAssessment(sets, { area: 'rural', members: [...insured, member(birthYear, false)] }, { round, income: { amount: 5_000_000, per: 'month' }, deprivations: [] });
      expect(r.deprivations.includes('health_insurance')).to.equal(expected);
      expect(r.results.city.reasons.some((x) => x.code === 'DERIVED_HEALTH_INSURANCE')).to.equal(expected);
    });
  }

  it('a derived flag can tip the balance (two given + one derived = 3 → poor between the lines)', () => {
    const input = { round: 2017, income: { amount: 800_000, per: 'month' as const }, deprivations: ['water', 'toilet'], facts: { floorArea: 20 } };
    const r = evaluateAssessment(sets, { area: 'rural', members: insured }, input);
    expect(r.nationalCategory).to.equal('poor');
    expect(r.results.national.deprivationCount).to.equal(3);
    expect(r.results.national).to.include({ setId: 'vn-2016-2020', version: 1 });
    const without = evaluateAssessment(sets, { area: 'rural', members: insured }, { ...input, facts: { floorArea: 24 } });
    expect(without.nationalCategory).to.equal('near_poor');
  });

  it('each set counts only its own indicators; a code unknown to both is refused', () => {
    const r = evaluateAssessment(sets, { area: 'urban', members: insured }, { round: 2016, income: { amount: 25_000_000, per: 'year' }, deprivations: ['employment', 'social_insurance', 'toilet'] });
    expect(r.results.city.deprivationCount).to.equal(2);
    expect(r.results.national.deprivationCount).to.equal(1);
    expect(r.cityCategory).to.equal('near_poor');
    expect(r.nationalCategory).to.equal('not_poor');
    expect(() => evaluateAssessment(sets, { area: 'urban', members: insured }, { round: 2016, income: { amount: 1, per: 'year' }, deprivations: ['bogus'] })).to.throw(AppError);
  });
});

describe('assessment rules: masks and transitions', () => {
  it('sets bit round − roundMin for each list', () => {
    const rows: { round: number; cityCategory: Category | null; nationalCategory: Category | null }[] = [
      { round: 2015, cityCategory: 'poor', nationalCategory: 'near_poor' },
      { round: 2016, cityCategory: 'near_poor', nationalCategory: 'not_poor' },
      { round: 2018, cityCategory: 'poor', nationalCategory: 'poor' },
      { round: 2020, cityCategory: 'average', nationalCategory: null },
    ];
    expect(listMasks(rows, 2015)).to.deep.equal({
      cityPoorMask: 0b001001,
      cityNearPoorMask: 0b000010,
      nationalPoorMask: 0b001000,
      nationalNearPoorMask: 0b000001,
      assessedMask: 0b101011,
      cityAverageMask: 0b100000,
      nationalAverageMask: 0,
    });
    expect(listMasks([], 2015)).to.deep.equal({ cityPoorMask: 0, cityNearPoorMask: 0, nationalPoorMask: 0, nationalNearPoorMask: 0, assessedMask: 0, cityAverageMask: 0, nationalAverageMask: 0 });
    expect(() => roundBit(2014, 2015)).to.throw(RangeError);
    expect(() => roundBit(2046, 2015)).to.throw(RangeError);
  });

  // mask as a string of rounds 2015..2020, '1' = on the list.
  const history = (s: string) => [...s].reduce((m, c, i) => (c === '1' ? m | (1 << i) : m), 0);
  const cases: [string, (Transition | null)[]][] = [
    ['111111', ['new', 'stayed', 'stayed', 'stayed', 'stayed', 'stayed']],
    ['100000', ['new', 'escaped', null, null, null, null]],
    ['101000', ['new', 'escaped', 'fell_back', 'escaped', null, null]],
    ['011001', [null, 'new', 'stayed', 'escaped', null, 'fell_back']],
    ['000001', [null, null, null, null, null, 'new']],
    ['000000', [null, null, null, null, null, null]],
    ['010101', [null, 'new', 'escaped', 'fell_back', 'escaped', 'fell_back']],
  ];
  for (const [rounds, expected] of cases) {
    it(`transitions for ${rounds} (2015→2020)`, () => {
      const mask = history(rounds);
      expect(expected.map((_, i) => transitionsFor(mask, 2015 + i, 2015))).to.deep.equal(expected);
    });
  }
});
