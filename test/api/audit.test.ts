import { expect } from 'chai';
import crypto from 'node:crypto';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { cookieLogin } from '../support/access.ts';
import { recordAudit } from '../../server/domain/audit/repository.ts';
import { systemActor } from '../../server/context.ts';

describe('audit API', () => {
  let t: TestServer;
  let admin: ApiClient;
  const hhA = crypto.randomUUID();
  const hhB = crypto.randomUUID();
  before(async () => {
    t = await startTestServer();
    admin = await t.admin();
    // Household events of two wards, and one district-wide export, as the household and report areas write them.
    const who = { actor: systemActor('seed'), requestId: 'seed' };
    for (let i = 0; i < 3; i++) await recordAudit(t.registry.deps.db, who, { action: i === 0 ? 'create' : 'update', entity: 'household', entityId: hhA, wardCode: '26764', after: { n: i } });
    await recordAudit(t.registry.deps.db, who, { action: 'create', entity: 'household', entityId: hhB, wardCode: '26767' });
    await recordAudit(t.registry.deps.db, who, { action: 'export', entity: 'report', wardCode: null, meta: { rows: 10 } });
  });
  after(async () => t?.close());

  it('every kind of account change is in the trail, with who, when, what and the request id', async () => {
    await t.anon().post('/api/auth/login', { username: 'admin', password: 'wrong-password-1' });
    const created = await admin.post('/api/users', { username: 'trail-user', password: TEST_PASSWORD, role: 'ward', wardCode: '26764' });
    const requestId = created.headers.get('x-request-id');
    await admin.patch('/api/users/trail-user', { role: 'district' });
    const c = await cookieLogin(t, 'trail-user', TEST_PASSWORD);
    await c.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'trail-password-2' });
    await c.get('/api/users'); // refused: access_denied
    await c.post('/api/auth/logout');

    const res = await admin.get('/api/audit?pageSize=100');
    expect(res.status).to.equal(200);
    const actions = new Set(res.body.data.map((e: any) => e.action));
    for (const a of ['login_failed', 'login', 'create', 'update', 'password_change', 'access_denied', 'logout']) expect(actions, a).to.include(a);
    const create = res.body.data.find((e: any) => e.action === 'create' && e.entity === 'user' && e.after?.username === 'trail-user');
    expect(create).to.include({ actor: 'admin', wardCode: '26764', requestId });
    expect(new Date(create.at).getTime()).to.be.closeTo(Date.now(), 60_000);
    expect(JSON.stringify(res.body)).not.to.match(/scrypt|passwordHash|trail-password-2|wrong-password-1/);
  });

  it('newest first, filtered by entity and id, paged as { data, meta }', async () => {
    const res = await admin.get(`/api/audit?entity=household&id=${hhA}&page=1&pageSize=2`);
    expect(res.status).to.equal(200);
    expect(res.body.meta).to.deep.equal({ total: 3, page: 1, pageSize: 2 });
    expect(res.body.data.map((e: any) => e.after.n)).to.deep.equal([2, 1]);
    const page2 = await admin.get(`/api/audit?entity=household&id=${hhA}&page=2&pageSize=2`);
    expect(page2.body.data.map((e: any) => e.after.n)).to.deep.equal([0]);
    const byAction = await admin.get(`/api/audit?entity=household&action=create`);
    expect(byAction.body.data.map((e: any) => e.entityId).sort()).to.deep.equal([hhA, hhB].sort());
  });

  it('a district officer reads its wards and district-wide events, but not account events', async () => {
    const district = await t.as('district');
    const all = await district.get('/api/audit?pageSize=500');
    expect(all.status).to.equal(200);
    const entities = new Set(all.body.data.map((e: any) => e.entity));
    expect([...entities]).to.include.members(['household', 'report']);
    expect([...entities]).not.to.include.members(['user']);
    expect([...entities]).not.to.include('request');
    expect((await district.get('/api/audit?entity=user')).body.data).to.deep.equal([]);
    expect((await district.get(`/api/audit?entity=household&id=${hhB}`)).body.meta.total).to.equal(1);
  });

  it('a ward officer reads only its own ward’s events; another ward’s record looks like no record', async () => {
    const wardA = await t.as('ward', '26764');
    const own = await wardA.get(`/api/audit?entity=household&id=${hhA}`);
    expect(own.status).to.equal(200);
    expect(own.body.meta.total).to.equal(3);
    const other = await wardA.get(`/api/audit?entity=household&id=${hhB}`);
    const missing = await wardA.get(`/api/audit?entity=household&id=${crypto.randomUUID()}`);
    expect(other.status).to.equal(200);
    expect(other.body).to.deep.equal({ ...missing.body, data: [] });
    expect(other.body.meta.total).to.equal(0);
    const all = await wardA.get('/api/audit?pageSize=500');
    expect(all.body.data.length).to.be.greaterThan(0);
    expect(all.body.data.every((e: any) => e.wardCode === '26764' && e.entity !== 'user')).to.equal(true);
    // The ward's own account events (its user was created in 26764) stay admin-only.
    expect((await wardA.get('/api/audit?entity=user')).body.data).to.deep.equal([]);
  });

  it('refuses anonymous callers and bad queries', async () => {
    expect((await t.anon().get('/api/audit')).status).to.equal(401);
    for (const q of ['id=abc', 'pageSize=1000', 'page=0', 'entity=House Hold', 'wardCode=26767', 'actor=admin']) {
      const res = await admin.get(`/api/audit?${q}`);
      expect(res.status, q).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    }
  });
});
