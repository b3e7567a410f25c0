/**
 * Pure rules of issue 12: list states (removed / carried), the status cycle, the 54 ethnic groups, the income_only
 * rule kind, derivation thresholds as criteria-set data, and member facts that are unknown (null).
 */
import { expect } from 'chai';
import { evaluateAssessment } from '../../server/domain/assessments/rules.ts';
import { classify } from '../../server/domain/criteria/classify.ts';
import { SEED_CRITERIA_SETS } from '../../server/domain/criteria/seed.ts';
import type { CriteriaSet } from '../../server/domain/criteria/types.ts';
import { ETHNIC_GROUPS, isMinority, resolveEthnicGroup } from '../../server/domain/households/ethnic-groups.ts';
import type { Member } from '../../server/domain/households/rules.ts';
import { listStates, nextStatus } from '../../server/domain/rounds/rules.ts';
import { AppError } from '../../server/errors.ts';

const set = (id: string) => SEED_CRITERIA_SETS.find((s) => s.id === id)!;
const sets = { city: set('hcm-2016-2018'), national: set('vn-2016-2020') };
const member = (birthYear: number, over: Partial<Member> = {}): Member => ({ name: 'A', birthYear, sex: 'female', relation: 'con', idNumber: null, hasHealthInsurance: true, inSchool: true, ...over });

describe('official record: list states and the status cycle', () => {
  it('listStates: archived → off and removed in its round; unassessed → carried while the round is not approved', () => {
    const h = { poorMask: 0b000001, nearPoorMask: 0b000010, assessedMask: 0b000011, archivedRound: 2018 };
    const s = listStates(h, 2015, 2019, (r) => r <= 2016);
    expect(s.map((x) => x.list)).to.deep.equal(['poor', 'near_poor', 'near_poor', null, null]);
    expect(s.map((x) => x.carried)).to.deep.equal([false, false, true, false, false]);
    expect(s.map((x) => x.removed)).to.deep.equal([false, false, false, true, false]);
    // The same household in approved rounds: not carried, simply off.
    expect(listStates(h, 2015, 2017, () => true).map((x) => x.list)).to.deep.equal(['poor', 'near_poor', null]);
  });

  it('status cycle: open → submitted → approved → (reopen) open; anything else is 409 ROUND_STATUS', () => {
    expect(nextStatus('open', 'submit')).to.equal('submitted');
    expect(nextStatus('submitted', 'approve')).to.equal('approved');
    expect(nextStatus('approved', 'reopen')).to.equal('open');
    expect(nextStatus('submitted', 'reopen')).to.equal('open');
    for (const [from, action] of [['open', 'approve'], ['approved', 'submit'], ['open', 'reopen'], ['approved', 'approve']] as const) {
      expect(() => nextStatus(from, action), `${from} ${action}`).to.throw(AppError).with.property('code', 'ROUND_STATUS');
    }
  });
});

describe('official record: ethnic groups (DTTS)', () => {
  it('has the 54 official groups, Kinh first and the only majority', () => {
    expect(ETHNIC_GROUPS).to.have.length(54);
    expect(new Set(ETHNIC_GROUPS.map((g) => g.code)).size).to.equal(54);
    expect(ETHNIC_GROUPS[0]).to.deep.equal({ code: 'kinh', number: 1, vi: 'Kinh' });
    expect(isMinority('kinh')).to.equal(false);
    expect(isMinority('khmer')).to.equal(true);
    expect(isMinority(null)).to.equal(false);
  });

  it('resolves names as people write them, official numbers and codes; refuses unknown text', () => {
    expect(resolveEthnicGroup('Khơ-me')?.code).to.equal('khmer');
    expect(resolveEthnicGroup("H'Mông")?.code).to.equal('mong');
    expect(resolveEthnicGroup('HOA')?.code).to.equal('hoa');
    expect(resolveEthnicGroup('Ê-đê')?.code).to.equal('e_de');
    expect(resolveEthnicGroup('04')?.code).to.equal('hoa');
    expect(resolveEthnicGroup('Người Sao Hỏa')).to.equal(null);
    expect(resolveEthnicGroup('55')).to.equal(null);
  });
});

describe('official record: criteria data (rule kind, derivation thresholds) and unknown facts', () => {
  const incomeOnly: CriteriaSet = { ...set('hcm-2016-2018'), id: 'x', rule: { kind: 'income_only', cutoff: 3 } };

  it('income_only: between the lines is near-poor whatever the deprivations; at or below the poor line is poor', () => {
    const five = ['employment', 'social_insurance', 'vocational_training', 'water', 'housing_quality'];
    expect(classify(incomeOnly, { income: { amount: 25_000_000, per: 'year' }, deprivations: five }).category).to.equal('near_poor');
    expect(classify(set('hcm-2016-2018'), { income: { amount: 25_000_000, per: 'year' }, deprivations: five }).category).to.equal('poor');
    expect(classify(incomeOnly, { income: { amount: 21_000_000, per: 'year' }, deprivations: [] }).category).to.equal('poor');
    const r = classify(incomeOnly, { income: { amount: 25_000_000, per: 'year' }, deprivations: five });
    expect(r.deprivationCount).to.equal(5); // recorded and shown, not deciding
  });

  it('derivation thresholds are set data: a set with 10 m² per person derives housing_area where 8 m² does not', () => {
    const strict: CriteriaSet = { ...sets.city, derivation: { minFloorAreaPerPerson: 10, healthInsuranceMinAge: 6, schoolAge: { from: 5, below: 15 }, adultEducationAge: { from: 15, below: 30 } } };
    const household = { area: 'urban' as const, members: [member(1980), member(1982)] };
    const input = { income: { amount: 60_000_000, per: 'year' as const }, deprivations: [], facts: { floorArea: 18 }, round: 2017 };
    expect(evaluateAssessment(sets, household, input).results.city.reasons.map((r) => r.code)).to.not.include('DERIVED_HOUSING_AREA');
    const e = evaluateAssessment({ ...sets, city: strict }, household, input);
    expect(e.results.city.reasons.map((r) => r.code)).to.include('DERIVED_HOUSING_AREA');
    expect(e.results.national.reasons.map((r) => r.code)).to.not.include('DERIVED_HOUSING_AREA'); // national keeps 8 m²
  });

  it('null facts derive nothing; false facts do; ages count at the survey date', () => {
    const base = { income: { amount: 60_000_000, per: 'year' as const }, deprivations: [], round: 2017 };
    const unknown = [member(1980, { hasHealthInsurance: null, inSchool: null }), member(2010, { inSchool: null })];
    expect(evaluateAssessment(sets, { area: 'urban', members: unknown }, base).deprivations).to.deep.equal([]);
    const known = [member(1980, { hasHealthInsurance: false, inSchool: null }), member(2010, { inSchool: false })];
    expect(evaluateAssessment(sets, { area: 'urban', members: known }, base).deprivations.sort()).to.deep.equal(['child_schooling', 'health_insurance']);
    // Born 2012, not in school: round 2016 surveyed in 2016 → age 4, nothing; round 2015 surveyed in March 2017 → age 5.
    const child = [member(2012, { inSchool: false })];
    expect(evaluateAssessment(sets, { area: 'urban', members: child }, { ...base, round: 2016, surveyedAt: '2016-10-01' }).deprivations).to.deep.equal([]);
    expect(evaluateAssessment(sets, { area: 'urban', members: child }, { ...base, round: 2015, surveyedAt: '2017-03-01' }).deprivations).to.deep.equal(['child_schooling']);
  });

  it('a tick the facts contradict stays and carries DERIVED_DIFFERS; a tick the facts cannot judge does not', () => {
    const household = { area: 'urban' as const, members: [member(1980), member(1982)] };
    const e = evaluateAssessment(sets, household, { income: { amount: 60_000_000, per: 'year' }, deprivations: ['housing_area', 'health_insurance'], facts: { floorArea: 40 }, round: 2017 });
    expect(e.deprivations).to.include.members(['housing_area', 'health_insurance']);
    expect(e.results.warnings!.map((w) => w.indicator).sort()).to.deep.equal(['health_insurance', 'housing_area']);
    const unknownCards = { area: 'urban' as const, members: [member(1980, { hasHealthInsurance: null })] };
    const u = evaluateAssessment(sets, unknownCards, { income: { amount: 60_000_000, per: 'year' }, deprivations: ['health_insurance'], round: 2017 });
    expect(u.results.warnings).to.equal(undefined);
  });
});
