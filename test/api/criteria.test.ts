import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { createHousehold, income, putAssessment } from '../support/households.ts';
import { queryRows } from '../../server/db/client.ts';

describe('criteria sets and POST /api/classify', () => {
  let t: TestServer;
  let admin: ApiClient;
  let ward: ApiClient;
  before(async () => {
    t = await startTestServer();
    admin = await t.admin();
    ward = await t.as('ward', '26764');
  });
  after(async () => t?.close());

  it('lists the three seeded sets to any user, the city ones provisional', async () => {
    const res = await ward.get('/api/criteria');
    expect(res.status).to.equal(200);
    expect(res.body.meta.total).to.equal(3);
    const byId = Object.fromEntries(res.body.data.map((s: any) => [s.id, s]));
    expect(byId['vn-2016-2020']).to.include({ version: 1, standard: 'national', incomeUnit: 'month', provisional: false });
    expect(byId['hcm-2019-2020'].lines).to.deep.equal({ all: { poor: 28_000_000, nearPoor: 36_000_000 } });
    expect(byId['hcm-2016-2018'].provisional).to.equal(true);
    expect(byId['hcm-2016-2018'].indicators).to.have.length(11);
    expect((await t.anon().get('/api/criteria')).status).to.equal(401);
  });

  it('GET /api/criteria/:id returns the set with its versions; unknown id is 404', async () => {
    const res = await ward.get('/api/criteria/vn-2016-2020');
    expect(res.status).to.equal(200);
    expect(res.body.versions.map((v: any) => v.version)).to.deep.equal([1]);
    expect((await ward.get('/api/criteria/nope')).status).to.equal(404);
  });

  it('classifies a what-if question without side effects', async () => {
    const [before] = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from audit_events`);
    const res = await ward.post('/api/classify', { criteriaSet: 'vn-2016-2020', area: 'urban', income: { amount: 10_800_000, per: 'year' }, deprivations: [] });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ category: 'poor', deprivationCount: 0 });
    expect(res.body.criteriaSet).to.deep.equal({ id: 'vn-2016-2020', version: 1, provisional: false });
    expect(res.body.reasons[0].code).to.equal('INCOME_AT_OR_BELOW_POOR_LINE');
    const above = await ward.post('/api/classify', { criteriaSet: 'vn-2016-2020', area: 'urban', income: { amount: 10_800_001, per: 'year' }, deprivations: ['water', 'toilet', 'telecom'] });
    expect(above.body.category).to.equal('poor');
    const city = await ward.post('/api/classify', { criteriaSet: 'hcm-2019-2020', income: { amount: 3_000_000, per: 'month' }, deprivations: [] });
    expect(city.body.category).to.equal('near_poor');
    const [afterCount] = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from audit_events`);
    expect(afterCount!.n).to.equal(before!.n);
  });

  it('refuses unknown indicators (naming them), a missing area, bad income — in vi and en', async () => {
    const res = await ward.post('/api/classify', { criteriaSet: 'vn-2016-2020', area: 'rural', income: { amount: 1, per: 'month' }, deprivations: ['water', 'employment'] });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    expect(res.body.error.details[0]).to.include({ path: 'deprivations' });
    expect(res.body.error.details[0].message.en).to.contain('employment');
    expect(res.body.error.details[0].message.vi).to.contain('employment');
    const noArea = await ward.post('/api/classify', { criteriaSet: 'vn-2016-2020', income: { amount: 1, per: 'month' } });
    expect(noArea.body.error.details[0].path).to.equal('area');
    const bad = await ward.post('/api/classify', { criteriaSet: 'vn-2016-2020', area: 'rural', income: { amount: -5, per: 'week' } });
    expect(bad.body.error.details.map((d: any) => d.path)).to.have.members(['income.amount', 'income.per']);
    const unknownSet = await ward.post('/api/classify', { criteriaSet: 'xx', income: { amount: 1, per: 'month' } });
    expect(unknownSet.body.error.details[0].path).to.equal('criteriaSet');
  });

  it('a new version is admin-only, audited, and keeps old assessments on their version until an explicit re-classification', async () => {
    const h = await createHousehold(admin, { wardCode: '26764' });
    // 25M/year: near-poor under hcm-2016-2018 v1 (21M < 25M ≤ 28M).
    const put = await putAssessment(admin, h.id, 2017, income(25_000_000, 'year'));
    expect(put.status).to.equal(200);
    expect(put.body.results.city).to.include({ setId: 'hcm-2016-2018', version: 1, category: 'near_poor' });

    const current = (await admin.get('/api/criteria/hcm-2016-2018')).body;
    const { id: _i, version: _v, createdAt: _c, createdBy: _b, versions: _vs, ...fields } = current;
    const body = { ...fields, lines: { all: { poor: 25_000_000, nearPoor: 30_000_000 } }, note: 'test: raised line' };
    expect((await ward.post('/api/criteria/hcm-2016-2018/versions', body)).status).to.equal(403);
    const created = await admin.post('/api/criteria/hcm-2016-2018/versions', body);
    expect(created.status).to.equal(201);
    expect(created.body.version).to.equal(2);
    const mass = await admin.post('/api/criteria/hcm-2016-2018/versions', { ...body, version: 9 });
    expect(mass.status).to.equal(400);
    expect(mass.body.error.details[0].path).to.equal('version');

    const kept = await admin.get(`/api/households/${h.id}/history`);
    expect(kept.body.assessments[0].results.city.version).to.equal(1);

    expect((await ward.post('/api/criteria/hcm-2016-2018/reclassify', {})).status).to.equal(403);
    const re = await admin.post('/api/criteria/hcm-2016-2018/reclassify', { round: 2017 });
    expect(re.status).to.equal(200);
    expect(re.body).to.include({ setId: 'hcm-2016-2018', version: 2, assessments: 1, changed: 1 });
    const after = await admin.get(`/api/households/${h.id}/history`);
    const a = after.body.assessments[0];
    expect(a.results.city).to.include({ version: 2, category: 'poor' });
    expect(a.results.national.version).to.equal(1);
    expect(a.cityCategory).to.equal('poor');
    expect(after.body.transitions.find((x: any) => x.round === 2017).city.poor).to.equal('new');
    const audit = await queryRows<{ action: string; entity: string }>(t.registry.deps.db, sql`select action, entity from audit_events where entity in ('criteria_set','assessment') order by id`);
    expect(audit.map((e) => `${e.action}:${e.entity}`)).to.include.members(['create:criteria_set', 'reclassify:assessment', 'reclassify:criteria_set']);
  });
});
