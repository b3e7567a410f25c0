import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { createHousehold, income, putAssessment } from '../support/households.ts';
import { queryRows } from '../../server/db/client.ts';

describe('assessments API: classification, masks, transitions', () => {
  let t: TestServer;
  let ward: ApiClient;
  const masks = async (id: string) =>
    (await queryRows<Record<string, number>>(t.registry.deps.db, sql`select city_poor_mask, city_near_poor_mask, national_poor_mask, national_near_poor_mask from households where id = ${id}`))[0]!;

  before(async () => {
    t = await startTestServer();
    ward = await t.as('ward', '26764');
  });
  after(async () => t?.close());

  it('PUT classifies under both standards, stores reasons with set versions, and is audited per write', async () => {
    const h = await createHousehold(ward, { area: 'urban' });
    // 1,200,000/month urban: near-poor nationally (900k < x ≤ 1.3M, D = 2); 14.4M/year ≤ 21M: poor by the city line.
    const res = await putAssessment(ward, h.id, 2016, income(1_200_000, 'month', ['water', 'toilet'], { surveyor: 'Cán bộ A', surveyedAt: '2016-10-01' }));
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ round: 2016, cityCategory: 'poor', nationalCategory: 'near_poor', source: 'manual', surveyor: 'Cán bộ A', surveyedAt: '2016-10-01' });
    expect(res.body.income).to.deep.equal({ amount: 1_200_000, per: 'month' });
    expect(res.body.results.national).to.include({ setId: 'vn-2016-2020', version: 1, deprivationCount: 2 });
    expect(res.body.results.city).to.include({ setId: 'hcm-2016-2018', version: 1, deprivationCount: 1 });
    expect(res.body.results.national.reasons[0].vi).to.contain('59/2015/QĐ-TTg');
    const again = await putAssessment(ward, h.id, 2016, income(1_400_000, 'month', ['water', 'toilet']));
    expect(again.body.nationalCategory).to.equal('average');
    const events = await queryRows<{ action: string; entity: string }>(t.registry.deps.db, sql`select action, entity from audit_events where entity_id = ${h.id} order by id`);
    expect(events.map((e) => `${e.action}:${e.entity}`)).to.deep.equal(['create:household', 'create:assessment', 'update:assessment']);
  });

  it('derives housing_area and health_insurance from facts and members, and says so', async () => {
    const h = await createHousehold(ward, {
      area: 'rural',
      members: [
        { name: 'Võ Văn C', birthYear: 1980, sex: 'male', relation: 'chủ hộ', idNumber: null, hasHealthInsurance: true, inSchool: false },
        { name: 'Võ Thị D', birthYear: 2010, sex: 'female', relation: 'con', idNumber: null, hasHealthInsurance: false, inSchool: true },
      ],
    });
    // Rural 800k: between the lines; given 1 + derived 2 = 3 → poor. 15.9 m² < 8 × 2.
    const res = await putAssessment(ward, h.id, 2016, income(800_000, 'month', ['water'], { facts: { floorArea: 15.9 } }));
    expect(res.status).to.equal(200);
    expect(res.body.deprivations).to.have.members(['water', 'housing_area', 'health_insurance']);
    expect(res.body.facts.floorArea).to.equal(15.9);
    expect(res.body.facts.derived).to.have.members(['health_insurance', 'housing_area']);
    expect(res.body.nationalCategory).to.equal('poor');
    const codes = res.body.results.national.reasons.map((r: any) => r.code);
    expect(codes).to.include.members(['DERIVED_HOUSING_AREA', 'DERIVED_HEALTH_INSURANCE']);
    // In 2015 the child was 5: no insurance flag; 16 m² is exactly 8 each: no area flag.
    const young = await putAssessment(ward, h.id, 2015, income(800_000, 'month', ['water'], { facts: { floorArea: 16 } }));
    expect(young.body.deprivations).to.deep.equal(['water']);
    expect(young.body.nationalCategory).to.equal('near_poor');
    const claimed = await putAssessment(ward, h.id, 2015, income(800_000, 'month', [], { facts: { derived: ['x'] } }));
    expect(claimed.status).to.equal(400);
    expect(claimed.body.error.details[0].path).to.match(/^facts/);
  });

  it('validates the body and the round (vi/en, field paths)', async () => {
    const h = await createHousehold(ward);
    const bad = await putAssessment(ward, h.id, 2016, { income: { amount: 1.5, per: 'day' }, deprivations: ['water', 'water'], surveyedAt: '2016-13-45' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: any) => d.path)).to.include.members(['income.amount', 'income.per', 'deprivations.1', 'surveyedAt']);
    const unknown = await putAssessment(ward, h.id, 2016, income(1, 'month', ['flying_car']));
    expect(unknown.body.error.details[0]).to.include({ path: 'deprivations', code: 'UNKNOWN_INDICATOR' });
    const round = await putAssessment(ward, h.id, 2021, income(1));
    expect(round.status).to.equal(400);
    expect(round.body.error.details[0].path).to.equal('round');
    expect(round.body.error.details[0].message.vi).to.contain('2020');
    expect((await putAssessment(ward, h.id, 2014, income(1))).status).to.equal(400);
  });

  it('a 6-round history gives masks and escaped / fell back / new / stayed per list and standard', async () => {
    const h = await createHousehold(ward, { area: 'urban' });
    // National urban, per month: poor ≤ 900k, near-poor ≤ 1.3M. City per year (×12): 2015–2018 21M/28M, 2019–2020 28M/36M.
    const history: [number, number][] = [
      [2015, 800_000], //  national poor;      city 9.6M poor
      [2016, 1_200_000], // national near-poor; city 14.4M poor
      [2017, 2_500_000], // national not poor;  city 30M not poor
      [2018, 850_000], //  national poor;      city 10.2M poor
      [2019, 2_500_000], // national not poor;  city 30M near-poor (28M < 30M ≤ 36M)
      [2020, 850_000], //  national poor;      city poor
    ];
    for (const [round, amount] of history) expect((await putAssessment(ward, h.id, round, income(amount))).status).to.equal(200);
    expect(await masks(h.id)).to.deep.equal({ city_poor_mask: 0b101011, city_near_poor_mask: 0b010000, national_poor_mask: 0b101001, national_near_poor_mask: 0b000010 });
    const res = await ward.get(`/api/households/${h.id}/history`);
    expect(res.status).to.equal(200);
    expect(res.body.assessments.map((a: any) => a.round)).to.deep.equal([2015, 2016, 2017, 2018, 2019, 2020]);
    const tr = res.body.transitions;
    expect(tr.map((x: any) => x.national.poor)).to.deep.equal(['new', 'escaped', null, 'fell_back', 'escaped', 'fell_back']);
    expect(tr.map((x: any) => x.national.nearPoor)).to.deep.equal([null, 'new', 'escaped', null, null, null]);
    expect(tr.map((x: any) => x.city.poor)).to.deep.equal(['new', 'stayed', 'escaped', 'fell_back', 'escaped', 'fell_back']);
    expect(tr.map((x: any) => x.city.nearPoor)).to.deep.equal([null, null, null, null, 'new', 'escaped']);
    expect(res.body.assessments[4].results.city.setId).to.equal('hcm-2019-2020');
    expect(res.body.audit.filter((e: any) => e.entity === 'assessment')).to.have.length(6);
    expect(res.body.household.id).to.equal(h.id);

    // The list filters by round, standard and category, and shows that round's categories.
    const poor2018 = await ward.get(`/api/households?round=2018&standard=national&category=poor`);
    const row = poor2018.body.data.find((x: any) => x.id === h.id);
    expect(row.assessment).to.deep.equal({ round: 2018, cityCategory: 'poor', nationalCategory: 'poor' });
    expect((await ward.get(`/api/households?round=2019&standard=national&category=poor`)).body.data.map((x: any) => x.id)).to.not.include(h.id);
    expect((await ward.get(`/api/households?round=2019&category=near_poor`)).body.data.map((x: any) => x.id)).to.include(h.id);
  });

  it('changing the area re-evaluates stored assessments (same set versions) and their masks', async () => {
    const h = await createHousehold(ward, { area: 'urban' });
    await putAssessment(ward, h.id, 2016, income(800_000, 'month'));
    expect((await masks(h.id)).national_poor_mask).to.equal(0b10);
    // Rural: 800k is above the 700k poverty line → near-poor.
    const res = await ward.patch(`/api/households/${h.id}`, { area: 'rural' }, { 'if-match': '"1"' });
    expect(res.status).to.equal(200);
    const m = await masks(h.id);
    expect(m.national_poor_mask).to.equal(0);
    expect(m.national_near_poor_mask).to.equal(0b10);
    const hist = await ward.get(`/api/households/${h.id}/history`);
    expect(hist.body.assessments[0].nationalCategory).to.equal('near_poor');
  });
});
