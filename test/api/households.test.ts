import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { createHousehold, householdBody, income, putAssessment } from '../support/households.ts';
import { queryRows } from '../../server/db/client.ts';

describe('households API', () => {
  let t: TestServer;
  let admin: ApiClient;
  let ward: ApiClient; // 26764
  let otherWard: ApiClient; // 26767
  let district: ApiClient;
  const auditCount = async (entityId: string) =>
    (await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from audit_events where entity_id = ${entityId}`))[0]!.n;

  before(async () => {
    t = await startTestServer();
    admin = await t.admin();
    ward = await t.as('ward', '26764');
    otherWard = await t.as('ward', '26767');
    district = await t.as('district');
  });
  after(async () => t?.close());

  it('creates a household (NFC, ETag, audit) and reads it back', async () => {
    const body = householdBody({ headName: '  Lê   Thị Hồng '.normalize('NFD'), headIdNumber: '012345678' });
    const res = await ward.post('/api/households', body);
    expect(res.status).to.equal(201);
    expect(res.headers.get('etag')).to.equal('"1"');
    expect(res.body).to.include({ wardCode: '26764', area: 'urban', headName: 'Lê Thị Hồng'.normalize('NFC'), headIdNumber: '012345678', status: 'active', archivedReason: null, version: 1 });
    expect(res.body.members[0]).to.deep.equal(body.members[0]);
    expect(Object.keys(res.body)).to.not.include.members(['searchText', 'cityPoorMask', 'createdBy']);
    const got = await ward.get(`/api/households/${res.body.id}`);
    expect(got.status).to.equal(200);
    expect(got.headers.get('etag')).to.equal('"1"');
    expect(await auditCount(res.body.id)).to.equal(1);
  });

  it('validates bodies with field paths in vi and en, and refuses fields the caller may not set', async () => {
    const res = await ward.post('/api/households', householdBody({ headIdNumber: '12345', area: 'suburb', members: [{ name: 'X', birthYear: 1800, sex: 'male', hasHealthInsurance: true }] }));
    expect(res.status).to.equal(400);
    const paths = res.body.error.details.map((d: any) => d.path);
    expect(paths).to.include.members(['area', 'members.0.birthYear']);
    for (const d of res.body.error.details) expect(d.message.vi).to.be.a('string').and.not.empty;
    const badId = await ward.post('/api/households', householdBody({ headIdNumber: '12345' }));
    expect(badId.body.error.details[0]).to.include({ path: 'headIdNumber', code: 'ID_NUMBER' });
    for (const extra of [{ version: 5 }, { createdBy: 'x' }, { status: 'archived' }]) {
      const r = await ward.post('/api/households', householdBody(extra));
      expect(r.status).to.equal(400);
      expect(r.body.error.details[0].path).to.equal(Object.keys(extra)[0]);
    }
    const proto = await ward.request('POST', '/api/households', JSON.stringify(householdBody()).replace(/^\{/, '{"__proto__":{"admin":true},'), { 'content-type': 'application/json' });
    expect(proto.status).to.equal(400);
    const h = await createHousehold(ward);
    const moved = await ward.patch(`/api/households/${h.id}`, { wardCode: '26767' }, { 'if-match': '"1"' });
    expect(moved.status).to.equal(400);
    expect(moved.body.error.details[0].path).to.equal('wardCode');
  });

  it('a duplicate household code in the same ward is 409 on householdCode; another ward may reuse it', async () => {
    const h = await createHousehold(admin, { wardCode: '26764' });
    const dup = await admin.post('/api/households', householdBody({ householdCode: h.householdCode }));
    expect(dup.status).to.equal(409);
    expect(dup.body.error.details[0].path).to.equal('householdCode');
    expect((await admin.post('/api/households', householdBody({ householdCode: h.householdCode, wardCode: '26767' }))).status).to.equal(201);
  });

  it('PATCH needs If-Match (428), refuses a stale one (412), bumps the version and audits', async () => {
    const h = await createHousehold(ward);
    const missing = await ward.patch(`/api/households/${h.id}`, { address: '5 Lê Văn Khương' });
    expect(missing.status).to.equal(428);
    expect(missing.body.error.code).to.equal('PRECONDITION_REQUIRED');
    const ok = await ward.patch(`/api/households/${h.id}`, { address: '5 Lê Văn Khương' }, { 'if-match': '"1"' });
    expect(ok.status).to.equal(200);
    expect(ok.body).to.include({ version: 2, address: '5 Lê Văn Khương' });
    expect(ok.headers.get('etag')).to.equal('"2"');
    const stale = await ward.patch(`/api/households/${h.id}`, { address: 'x' }, { 'if-match': '"1"' });
    expect(stale.status).to.equal(412);
    expect(stale.body.error.code).to.equal('PRECONDITION_FAILED');
    expect((await ward.delete(`/api/households/${h.id}`, { reason: 'moved' })).status).to.equal(428);
    expect(await auditCount(h.id)).to.equal(2);
  });

  it('a failed change leaves neither the change nor an audit row', async () => {
    const a = await createHousehold(ward);
    const b = await createHousehold(ward);
    const clash = await ward.patch(`/api/households/${b.id}`, { householdCode: a.householdCode, address: 'never stored' }, { 'if-match': '"1"' });
    expect(clash.status).to.equal(409);
    expect((await ward.get(`/api/households/${b.id}`)).body).to.include({ version: 1, address: b.address });
    expect(await auditCount(b.id)).to.equal(1);
  });

  it('DELETE archives with a reason; restore brings it back; nothing is hard-deleted', async () => {
    const h = await createHousehold(ward);
    const noReason = await ward.delete(`/api/households/${h.id}`, {}, { 'if-match': '"1"' });
    expect(noReason.status).to.equal(400);
    expect(noReason.body.error.details[0].path).to.equal('reason');
    const del = await ward.delete(`/api/households/${h.id}`, { reason: 'deceased' }, { 'if-match': '"1"' });
    expect(del.status).to.equal(200);
    expect(del.body).to.include({ status: 'archived', archivedReason: 'deceased', version: 2 });
    expect((await ward.get(`/api/households/${h.id}`)).body.status).to.equal('archived');
    expect((await ward.patch(`/api/households/${h.id}`, { address: 'x' }, { 'if-match': '"2"' })).status).to.equal(409);
    expect((await putAssessment(ward, h.id, 2016, income(1))).status).to.equal(409);
    const listed = await ward.get('/api/households?status=archived');
    expect(listed.body.data.map((x: any) => x.id)).to.include(h.id);
    expect((await ward.get('/api/households')).body.data.map((x: any) => x.id)).to.not.include(h.id);
    const restored = await ward.post(`/api/households/${h.id}/restore`);
    expect(restored.status).to.equal(200);
    expect(restored.body).to.include({ status: 'active', archivedReason: null, version: 3 });
    expect((await ward.post(`/api/households/${h.id}/restore`)).status).to.equal(409);
    const actions = await queryRows<{ action: string }>(t.registry.deps.db, sql`select action from audit_events where entity_id = ${h.id} order by id`);
    expect(actions.map((a) => a.action)).to.deep.equal(['create', 'delete', 'restore']);
  });

  it('ward scoping: another ward sees 404 for every route; district and admin read all; writes outside scope are 404', async () => {
    const h = await createHousehold(ward);
    expect((await otherWard.get(`/api/households/${h.id}`)).status).to.equal(404);
    expect((await otherWard.get(`/api/households/${h.id}/history`)).status).to.equal(404);
    expect((await otherWard.patch(`/api/households/${h.id}`, { address: 'x' }, { 'if-match': '"1"' })).status).to.equal(404);
    expect((await otherWard.delete(`/api/households/${h.id}`, { reason: 'moved' }, { 'if-match': '"1"' })).status).to.equal(404);
    expect((await putAssessment(otherWard, h.id, 2016, income(1))).status).to.equal(404);
    expect((await otherWard.post('/api/households', householdBody({ wardCode: '26764' }))).status).to.equal(404);
    expect((await otherWard.get('/api/households?ward=26764')).body.meta.total).to.equal(0);
    expect((await district.get(`/api/households/${h.id}`)).status).to.equal(200);
    expect((await district.post('/api/households', householdBody({ wardCode: '26791' }))).status).to.equal(201);
    expect((await ward.post('/api/households', householdBody({ wardCode: '99999' }))).status).to.equal(404);
    expect((await t.anon().get('/api/households')).status).to.equal(401);
  });

  it('search is accent-insensitive on name, code and address (also NFD input), paged and capped', async () => {
    const h = await createHousehold(admin, { wardCode: '26770', headName: 'Nguyễn Văn Ánh', householdCode: 'TT-SEARCH-1', address: '12 Đường Hà Huy Giáp' });
    await createHousehold(admin, { wardCode: '26770', headName: 'Phạm Thị Sen', householdCode: 'TT-SEARCH-2' });
    for (const q of ['nguyen van anh', 'NGUYỄN VĂN ÁNH'.normalize('NFD'), 'tt-search-1', 'duong ha huy', 'văn ánh']) {
      const res = await admin.get(`/api/households?ward=26770&q=${encodeURIComponent(q)}`);
      expect(res.status).to.equal(200);
      expect(res.body.data.map((x: any) => x.id), q).to.deep.equal([h.id]);
    }
    expect((await admin.get('/api/households?ward=26770&q=%25')).body.meta.total).to.equal(0);
    const page = await admin.get('/api/households?ward=26770&pageSize=1&page=2');
    // The last page: a cursor back to page 1, none forward (keyset paging, issue 14).
    expect(page.body.meta).to.deep.include({ total: 2, page: 2, pageSize: 1, nextCursor: null });
    expect(page.body.meta.prevCursor).to.be.a('string');
    expect(page.body.data).to.have.length(1);
    const capped = await admin.get('/api/households?pageSize=201');
    expect(capped.status).to.equal(400);
    expect(capped.body.error.details[0].path).to.equal('pageSize');
    const noRound = await admin.get('/api/households?category=poor');
    expect(noRound.status).to.equal(400);
  });
});
