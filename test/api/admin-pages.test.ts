/**
 * The API behind the administration pages (issue 15): last sign-in in the user list, audit filters by ward, user and
 * date, the totals sheet upload (same reader and service as `npm run totals:import`), and criteria usage per round.
 */
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { workbookBuffer } from '../support/workbooks.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function sheetForm(rows: unknown[][]): Promise<FormData> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await workbookBuffer([{ name: 'Tổng số hộ', rows }]))], { type: XLSX }), 'tong-so-ho.xlsx');
  return form;
}

describe('administration API: users, audit filters, totals sheet, criteria usage', function () {
  this.timeout(60_000);
  let t: TestServer;
  let admin: ApiClient;
  let district: ApiClient;
  let ward: ApiClient;

  before(async () => {
    t = await startTestServer();
    admin = await t.admin();
    district = await t.as('district', null, 'district-a');
    ward = await t.as('ward', '26764', 'ward-a');
  });
  after(async () => t?.close());

  it('lists each account with its last sign-in (null before the first)', async () => {
    expect((await admin.post('/api/users', { username: 'never-in', password: 'a-long-password-1', role: 'district' })).status).to.equal(201);
    const res = await admin.get('/api/users');
    expect(res.status).to.equal(200);
    const byName = new Map(res.body.data.map((u: any) => [u.username, u]));
    expect((byName.get('never-in') as any).lastLoginAt).to.equal(null);
    const last = (byName.get('ward-a') as any).lastLoginAt;
    expect(Date.now() - Date.parse(last)).to.be.within(0, 60_000);
    expect(res.body.data.every((u: any) => !('passwordHash' in u))).to.equal(true);
    expect((await ward.get('/api/users')).status).to.equal(403);
  });

  it('filters the audit trail by ward, user and date, and checks the filters', async () => {
    expect((await admin.put('/api/units/26767/totals/2017', { households: 500 })).status).to.equal(200);
    expect((await district.put('/api/units/26764/totals/2017', { households: 700 })).status).to.equal(200);
    const byWard = await admin.get('/api/audit?entity=ward_total&ward=26767');
    expect(byWard.body.data.map((e: any) => e.wardCode)).to.deep.equal(['26767']);
    const byUser = await admin.get('/api/audit?entity=ward_total&user=district-a');
    expect(byUser.body.data.map((e: any) => [e.actor, e.entityId])).to.deep.equal([['district-a', '26764/2017']]);
    expect(byUser.body.data[0].after).to.deep.equal({ households: 700 });
    const today = new Date().toISOString().slice(0, 10);
    expect((await admin.get(`/api/audit?entity=ward_total&from=${today}&to=${today}`)).body.meta.total).to.equal(2);
    expect((await admin.get('/api/audit?entity=ward_total&to=2000-01-01')).body.meta.total).to.equal(0);
    const bad = await admin.get('/api/audit?from=yesterday&ward=1');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: any) => d.path).sort()).to.deep.equal(['from', 'ward']);
    // A ward officer asking for another ward's events gets nothing (scope first, then the filter).
    expect((await ward.get('/api/audit?ward=26767')).body.meta.total).to.equal(0);
  });

  it('uploads the two-column totals sheet all or nothing, audited like a single edit', async () => {
    let res = await admin.post('/api/units/totals/2018/sheet', await sheetForm([['Mã phường', 'Tổng số hộ'], ['26764', 9000], ['26767', '10 500']]));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ round: 2018, created: 2, updated: 0, unchanged: 0 });
    const listed = await admin.get('/api/units/totals?round=2018');
    expect(listed.body.data.find((w: any) => w.wardCode === '26767').households).to.equal(10500);
    expect((await admin.get('/api/audit?entity=ward_total&id=26767/2018')).body.data[0].meta).to.deep.equal({ source: 'import' });

    res = await admin.post('/api/units/totals/2018/sheet', await sheetForm([['Mã phường', 'Tổng số hộ'], ['26764', 1], ['2676', -1], ['99999', 3]]));
    expect(res.status).to.equal(400);
    expect(res.body.error.details.map((d: any) => d.path)).to.deep.equal(['A3', 'B3']);
    res = await admin.post('/api/units/totals/2018/sheet', await sheetForm([['Mã phường', 'Tổng số hộ'], ['26764', 1], ['99999', 3]]));
    expect(res.body.error.details[0]).to.deep.include({ path: 'row 3', code: 'UNKNOWN_WARD' });
    expect((await admin.get('/api/units/totals?round=2018')).body.data.find((w: any) => w.wardCode === '26764').households).to.equal(9000);

    const notXlsx = new FormData();
    notXlsx.append('file', new Blob(['hello']), 'x.xlsx');
    res = await admin.post('/api/units/totals/2018/sheet', notXlsx);
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0].code).to.equal('NOT_XLSX');
    expect((await admin.post('/api/units/totals/2018/sheet', new FormData())).body.error.details[0].path).to.equal('file');
    expect((await admin.post('/api/units/totals/1999/sheet', await sheetForm([['26764', 1]]))).status).to.equal(400);
    expect((await ward.post('/api/units/totals/2018/sheet', await sheetForm([['26764', 1]]))).status).to.equal(403);
    // A district officer cannot load another district's ward through the sheet (reads as unknown).
    res = await district.post('/api/units/totals/2018/sheet', await sheetForm([['26734', 1]]));
    expect(res.body.error.details[0]).to.deep.include({ code: 'UNKNOWN_WARD' });
  });

  it('says which rounds use a criteria set and how many assessments each version classified', async () => {
    const created = await admin.post('/api/households', { wardCode: '26764', householdCode: 'U1', headName: 'Trần Thị B', area: 'urban' });
    expect(created.status).to.equal(201);
    expect((await admin.put(`/api/households/${created.body.id}/assessments/2017`, { income: { amount: 1_000_000, per: 'month' }, deprivations: [] })).status).to.equal(200);
    const sets = (await admin.get('/api/criteria')).body.data as any[];
    const city = sets.find((s) => s.standard === 'city');
    const usage = await ward.get(`/api/criteria/${city.id}/usage`);
    expect(usage.status).to.equal(200);
    const r2017 = usage.body.rounds.find((r: any) => r.round === 2017);
    expect(r2017.versions).to.deep.equal([{ version: city.version, assessments: 1 }]);
    expect((await ward.get('/api/criteria/no-such-set/usage')).status).to.equal(404);
  });
});
