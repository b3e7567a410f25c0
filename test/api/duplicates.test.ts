/**
 * Issue 17 — one person, one household: ID numbers shared across wards (warning on save and on import, a ward officer
 * seeing only the other ward's name), duplicates inside one household or one file (errors), name candidates, the
 * duplicates list scoped per role, and both resolutions.
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { householdBody } from '../support/households.ts';
import { col, surveyRows, uploadWorkbook, waitForImport, workbookBuffer } from '../support/workbooks.ts';
import { queryRows } from '../../server/db/client.ts';

const WARD_A = '26764';
const WARD_B = '26767';
const WARD_C = '26770';
const SHARED = '079555000111';

const member = (name: string, birthYear: number, relation: string, idNumber: string | null) => ({ name, birthYear, sex: 'male', relation, idNumber, hasHealthInsurance: true, inSchool: false });

describe('duplicates (issue 17)', function () {
  this.timeout(120_000);
  let t: TestServer;
  let district: ApiClient;
  let wardA: ApiClient;
  let wardB: ApiClient;
  let wardC: ApiClient;
  let h1: any;
  let h2: any;

  before(async function () {
    this.timeout(300_000);
    t = await startTestServer();
    district = await t.as('district');
    wardA = await t.as('ward', WARD_A);
    wardB = await t.as('ward', WARD_B);
    wardC = await t.as('ward', WARD_C);
  });
  after(async () => t?.close());

  it('an ID number held in another ward is a DUPLICATE_PERSON warning: saved, the ward officer told only the ward name', async () => {
    const first = await wardA.post('/api/households', householdBody({ wardCode: WARD_A, headName: 'Lê Văn Một', headIdNumber: SHARED, members: [member('Lê Văn Một', 1960, 'Chủ hộ', SHARED)] }));
    expect(first.status).to.equal(201);
    expect(first.body.warnings).to.deep.equal([]);
    h1 = first.body;

    const second = await wardB.post('/api/households', householdBody({ wardCode: WARD_B, headName: 'Phạm Văn Hai', headIdNumber: null, members: [member('Phạm Văn Hai', 1980, 'Chủ hộ', null), member('Lê Văn Một', 1960, 'Cha', SHARED)] }));
    expect(second.status, JSON.stringify(second.body)).to.equal(201);
    h2 = second.body;
    expect(second.body.warnings).to.have.length(1);
    const w = second.body.warnings[0];
    expect(w).to.include({ code: 'DUPLICATE_PERSON', path: 'members.1.idNumber' });
    expect(w.household).to.deep.equal({ wardCode: WARD_A, wardName: (await wardName(WARD_A)) });
    expect(JSON.stringify(w)).to.not.contain(h1.householdCode).and.not.contain('Lê Văn Một').and.not.contain(h1.id);
    expect(w.message.vi).to.be.a('string').and.not.equal('');
    expect((await wardB.get(`/api/households/${h2.id}`)).status).to.equal(200);
  });

  it('the district sees both households in the warning, on update too', async () => {
    const res = await district.patch(`/api/households/${h2.id}`, { address: '9 Đường Mới' }, { 'if-match': `"${h2.version}"` });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.warnings).to.have.length(1);
    expect(res.body.warnings[0].household).to.include({ id: h1.id, wardCode: WARD_A, householdCode: h1.householdCode, headName: 'Lê Văn Một' });
    h2 = res.body;
  });

  it('the same ID number twice inside one household is a 400 naming the member', async () => {
    const res = await wardA.post('/api/households', householdBody({ wardCode: WARD_A, headIdNumber: null, members: [member('Võ Văn Ba', 1970, 'Chủ hộ', '079111222333'), member('Võ Văn Bốn', 1990, 'Con', '079111222333')] }));
    expect(res.status).to.equal(400);
    expect(res.body.error.details.map((d: any) => [d.path, d.code])).to.deep.equal([['members.1.idNumber', 'DUPLICATE_ID_NUMBER']]);
    const [n] = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from household_people where id_number = '079111222333'`);
    expect(n!.n).to.equal(0);
  });

  it('GET /api/duplicates lists the pair in full for the district and scoped for a ward', async () => {
    const all = await district.get('/api/duplicates?kind=id');
    expect(all.status).to.equal(200);
    const pair = all.body.data.find((p: any) => p.idNumbers.includes(SHARED));
    expect(pair, JSON.stringify(all.body)).to.exist;
    expect(pair.households.map((h: any) => h.id).sort()).to.deep.equal([h1.id, h2.id].sort());
    expect(all.body.meta.total).to.be.at.least(1);

    const mine = await wardB.get('/api/duplicates?kind=id');
    expect(mine.status).to.equal(200);
    const seen = mine.body.data.find((p: any) => p.id === pair.id);
    expect(seen.households[0]).to.include({ id: h2.id, householdCode: h2.householdCode });
    expect(seen.households[1]).to.deep.equal({ wardCode: WARD_A, wardName: await wardName(WARD_A) });

    const other = await wardC.get('/api/duplicates?kind=id');
    expect(other.body.data.map((p: any) => p.id)).to.not.include(pair.id);
    expect((await wardB.get(`/api/duplicates?ward=${WARD_A}`)).status).to.equal(404);
    const filtered = await district.get(`/api/duplicates?kind=id&ward=${WARD_C}`);
    expect(filtered.body.data.map((p: any) => p.id)).to.not.include(pair.id);
  });

  it('name candidates: same accent-free head name and birth year in a ward, or same name and address anywhere', async () => {
    const a = await wardA.post('/api/households', householdBody({ wardCode: WARD_A, headName: 'Trần Thị Bé', address: '12 Hẻm Tô Ký', headIdNumber: null, members: [member('Trần Thị Bé', 1975, 'Chủ hộ', null)] }));
    const b = await wardA.post('/api/households', householdBody({ wardCode: WARD_A, headName: 'tran thi be', address: '77 Lê Văn Khương', headIdNumber: null, members: [member('tran thi be', 1975, 'chu ho', null)] }));
    const c = await wardB.post('/api/households', householdBody({ wardCode: WARD_B, headName: 'TRẦN THỊ BÉ', address: '12 hẻm tô ký', headIdNumber: null, members: [member('TRẦN THỊ BÉ', 1990, 'Chủ hộ', null)] }));
    const d = await wardA.post('/api/households', householdBody({ wardCode: WARD_A, headName: 'Trần Thị Bé', address: '5 Khác', headIdNumber: null, members: [member('Trần Thị Bé', 1999, 'Chủ hộ', null)] }));
    for (const r of [a, b, c, d]) expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const res = await district.get('/api/duplicates?kind=name');
    const pairs = new Map(res.body.data.map((p: any) => [p.households.map((h: any) => h.id).sort().join('+'), p.reasons]));
    const key = (x: any, y: any) => [x.body.id, y.body.id].sort().join('+');
    expect(pairs.get(key(a, b))).to.deep.equal(['name_birth_year']);
    expect(pairs.get(key(a, c))).to.deep.equal(['name_address']);
    expect(pairs.has(key(a, d)), 'different birth year, different address').to.equal(false);
    expect(pairs.has(key(b, c))).to.equal(false);

    const scoped = await wardB.get('/api/duplicates?kind=name');
    const ac = scoped.body.data.find((p: any) => p.households.some((h: any) => h.id === c.body.id));
    expect(ac.households[1]).to.deep.equal({ wardCode: WARD_A, wardName: await wardName(WARD_A) });
    expect(scoped.body.data.every((p: any) => p.households.some((h: any) => h.id))).to.equal(true);
  });

  it('"not a duplicate" is remembered and audited; only the district resolves', async () => {
    const list = await district.get('/api/duplicates?kind=name');
    const pair = list.body.data[0];
    expect((await wardA.post(`/api/duplicates/${pair.id}/resolve`, { resolution: 'not_duplicate', note: 'x' })).status).to.equal(403);
    const res = await district.post(`/api/duplicates/${pair.id}/resolve`, { resolution: 'not_duplicate', note: 'Hai người khác nhau, đã xác minh' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ id: pair.id, resolution: 'not_duplicate', mergedHouseholdId: null });
    const after = await district.get('/api/duplicates?kind=name');
    expect(after.body.data.map((p: any) => p.id)).to.not.include(pair.id);
    expect((await district.post(`/api/duplicates/${pair.id}/resolve`, { resolution: 'not_duplicate', note: '' })).status).to.equal(404);
    const [audit] = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from audit_events where entity = 'duplicate' and entity_id = ${pair.id} and action = 'resolve'`);
    expect(audit!.n).to.equal(1);
  });

  it('"merged" archives the other household with reason merged, linked to the kept one', async () => {
    const pair = (await district.get('/api/duplicates?kind=id')).body.data.find((p: any) => p.idNumbers.includes(SHARED));
    const bad = await district.post(`/api/duplicates/${pair.id}/resolve`, { resolution: 'merged', keep: '00000000-0000-4000-8000-000000000000', note: '' });
    expect(bad.status).to.equal(400);
    const res = await district.post(`/api/duplicates/${pair.id}/resolve`, { resolution: 'merged', keep: h1.id, note: 'Cùng một người' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ resolution: 'merged', keptHouseholdId: h1.id, mergedHouseholdId: h2.id });
    const archived = await district.get(`/api/households/${h2.id}`);
    expect(archived.body).to.include({ status: 'archived', archivedReason: 'merged' });
    expect((await district.get(`/api/households/${h1.id}`)).body.status).to.equal('active');
    const [link] = await queryRows<{ kept: string }>(t.registry.deps.db, sql`select kept_household_id as kept from duplicate_resolutions where merged_household_id = ${h2.id}`);
    expect(link!.kept).to.equal(h1.id);
    expect((await district.get('/api/duplicates?kind=id')).body.data.map((p: any) => p.id)).to.not.include(pair.id);
    const [archiveAudit] = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from audit_events where entity = 'household' and entity_id = ${h2.id} and action = 'delete'`);
    expect(archiveAudit!.n).to.equal(1);
    // The archived household no longer holds the number: saving the kept one again warns of nothing.
    const again = await district.patch(`/api/households/${h1.id}`, { address: '1 Đã Gộp' }, { 'if-match': `"${h1.version}"` });
    expect(again.body.warnings).to.deep.equal([]);
  });

  it('import: the same ID number in two households of a file is a row error naming both rows; a registry match is a row warning', async () => {
    const held = await district.post('/api/households', householdBody({ wardCode: WARD_A, headIdNumber: '079444555666', members: [member('Đỗ Văn Năm', 1965, 'Chủ hộ', '079444555666')] }));
    expect(held.status).to.equal(201);
    const rows = surveyRows(4, { wards: [WARD_B], codePrefix: 'DUP' });
    const idCol = col('Số CCCD/CMND');
    expect(idCol, 'head ID column').to.be.greaterThan(-1);
    rows[3]![idCol] = rows[1]![idCol]; // households 0 and 2 share the head's number
    rows[4]![idCol] = '079444555666'; // household 3 holds a number of ward A's registry
    const up = await uploadWorkbook(wardB, await workbookBuffer([{ name: 'Hộ', rows, textColumns: [idCol + 1] }]));
    expect(up.status, JSON.stringify(up.body)).to.equal(202);
    const result = await waitForImport(wardB, up.body.id);
    expect(result.status, JSON.stringify(result.failure)).to.equal('validated');
    const dup = result.errors.filter((e: any) => e.code === 'DUPLICATE_ID_IN_FILE');
    expect(dup.map((e: any) => e.row)).to.deep.equal([4]);
    expect(dup[0].message.vi).to.contain('dòng 4').and.contain('dòng 2');
    expect(dup[0].message.en).to.contain('row 4').and.contain('row 2');
    expect(result.summary).to.include({ rows: 4, valid: 3, invalid: 1, warningCount: 1 });
    const [warning] = result.summary.warnings;
    expect(warning).to.include({ row: 5, code: 'DUPLICATE_PERSON', severity: 'warning' });
    expect(warning.message.vi).to.contain(await wardName(WARD_A)).and.not.contain(held.body.householdCode);

    const annotated = await wardB.get(`/api/imports/${up.body.id}/annotated.xlsx`);
    expect(annotated.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(annotated.body);
    const ws = wb.getWorksheet('Hộ')!;
    const errCol = rows[0]!.length + 1;
    expect(String(ws.getCell(4, errCol).value)).to.contain('dòng 2');
    expect(String(ws.getCell(5, errCol).value)).to.contain('Cảnh báo');
    expect(ws.getCell(3, errCol).value).to.equal(null);
  });

  async function wardName(code: string): Promise<string> {
    const [w] = await queryRows<{ name: string }>(t.registry.deps.db, sql`select name from wards where code = ${code}`);
    return w!.name;
  }
});
