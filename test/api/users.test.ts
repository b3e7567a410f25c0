import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { auditRows, countAudit, dbFingerprint } from '../support/access.ts';
import { queryRows } from '../../server/db/client.ts';

describe('users API (admin only)', () => {
  let t: TestServer;
  let admin: ApiClient;
  before(async () => {
    t = await startTestServer();
    admin = await t.admin();
  });
  after(async () => t?.close());

  const userRow = async (username: string) =>
    (await queryRows<any>(t.registry.deps.db, sql`select * from users where username = ${username}`))[0] ?? null;
  const auditCount = async () => (await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from audit_events where action not in ('access_denied','login','login_failed')`))[0]!.n;

  /** Sends a refused request and checks that the database did not move. */
  async function refused(send: () => Promise<{ status: number; body: any }>, status: number, code: string, detail?: { path: string; code?: string }) {
    const before = await dbFingerprint(t);
    const res = await send();
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.code).to.equal(code);
    if (detail) expect(res.body.error.details.map((d: any) => ({ path: d.path, code: d.code }))).to.deep.include(detail.code ? detail : { path: detail.path, code: res.body.error.details.find((d: any) => d.path === detail.path)?.code });
    expect(await dbFingerprint(t)).to.deep.equal(before);
    return res;
  }

  it('creates ward, district and admin accounts with the right scope, audited without the hash', async () => {
    const ward = await admin.post('/api/users', { username: 'Ward.Officer', password: TEST_PASSWORD, role: 'ward', wardCode: '26764' });
    expect(ward.status).to.equal(201);
    expect(ward.body).to.deep.include({ username: 'ward.officer', role: 'ward', wardCode: '26764', districtCode: '761', disabled: false, mustChangePassword: true });
    expect(ward.body).not.to.have.property('passwordHash');
    const district = await admin.post('/api/users', { username: 'district-officer', password: TEST_PASSWORD, role: 'district', mustChangePassword: false });
    expect(district.body).to.deep.include({ role: 'district', wardCode: null, districtCode: '761', mustChangePassword: false });
    const second = await admin.post('/api/users', { username: 'second-admin', password: TEST_PASSWORD, role: 'admin' });
    expect(second.body).to.deep.include({ role: 'admin', wardCode: null, districtCode: null });
    const row = await userRow('ward.officer');
    expect(row.password_hash).to.match(/^scrypt\$/);
    const [event] = await auditRows(t, sql`action = 'create' and entity = 'user' and entity_id = ${row.id}`);
    expect(event!.actor_username).to.equal('admin');
    expect(event!.ward_code).to.equal('26764');
    expect(event!.after).to.deep.equal({ username: 'ward.officer', role: 'ward', wardCode: '26764', districtCode: '761', disabled: false, mustChangePassword: true });
    expect(JSON.stringify(event)).not.to.match(/scrypt|password_hash|passwordHash/);
    // The new user can log in but must change the admin-chosen password first.
    const c = t.anon();
    const login = await c.post('/api/auth/token', { username: 'ward.officer', password: TEST_PASSWORD });
    expect(login.body.user.mustChangePassword).to.equal(true);
  });

  it('lists users as { data, meta } with paging and never a hash', async () => {
    const res = await admin.get('/api/users?page=1&pageSize=2');
    expect(res.status).to.equal(200);
    expect(res.body.data).to.have.length(2);
    expect(res.body.meta).to.deep.include({ page: 1, pageSize: 2 });
    expect(res.body.meta.total).to.be.greaterThan(2);
    const all = await admin.get('/api/users');
    expect(all.body.data.map((u: any) => u.username)).to.include.members(['admin', 'ward.officer', 'district-officer']);
    expect(JSON.stringify(all.body)).not.to.match(/scrypt|passwordHash/);
    await refused(() => admin.get('/api/users?pageSize=100000'), 400, 'VALIDATION_FAILED', { path: 'pageSize' });
  });

  it('refuses duplicates (409), unknown wards, missing or misplaced ward codes and weak input (400), changing nothing', async () => {
    const body = { username: 'ward.officer', password: TEST_PASSWORD, role: 'district' };
    await refused(() => admin.post('/api/users', body), 409, 'DUPLICATE', { path: 'username', code: 'USERNAME_TAKEN' });
    await refused(() => admin.post('/api/users', { ...body, username: 'WARD.OFFICER' }), 409, 'DUPLICATE', { path: 'username', code: 'USERNAME_TAKEN' });
    await refused(() => admin.post('/api/users', { username: 'new-one', password: TEST_PASSWORD, role: 'ward', wardCode: '99999' }), 400, 'VALIDATION_FAILED', { path: 'wardCode', code: 'UNKNOWN_WARD' });
    await refused(() => admin.post('/api/users', { username: 'new-one', password: TEST_PASSWORD, role: 'ward' }), 400, 'VALIDATION_FAILED', { path: 'wardCode', code: 'WARD_REQUIRED' });
    await refused(() => admin.post('/api/users', { username: 'new-one', password: TEST_PASSWORD, role: 'district', wardCode: '26764' }), 400, 'VALIDATION_FAILED', { path: 'wardCode', code: 'WARD_NOT_ALLOWED' });
    await refused(() => admin.post('/api/users', { username: 'new-one', password: 'short', role: 'district' }), 400, 'VALIDATION_FAILED', { path: 'password', code: 'string.min' });
    await refused(() => admin.post('/api/users', { username: 'bad name!', password: TEST_PASSWORD, role: 'district' }), 400, 'VALIDATION_FAILED', { path: 'username' });
    await refused(() => admin.post('/api/users', { username: 'new-one', password: TEST_PASSWORD, role: 'superuser' }), 400, 'VALIDATION_FAILED', { path: 'role', code: 'any.only' });
    const res = await admin.post('/api/users', { username: 'new-one', password: TEST_PASSWORD, role: 'ward', wardCode: '99999' });
    expect(res.body.error.message.vi).to.be.a('string').and.not.empty;
    expect(res.body.error.details[0].message.vi).to.equal('Không có phường với mã này');
  });

  it('mass assignment on create is a 400 naming the field, nothing stored', async () => {
    const base = { username: 'sneaky', password: TEST_PASSWORD, role: 'ward', wardCode: '26764' };
    for (const extra of [{ isAdmin: true }, { districtCode: '760' }, { passwordHash: 'scrypt$x' }, { id: '00000000-0000-0000-0000-000000000001' }, { disabled: false }, { createdAt: '2020-01-01' }]) {
      await refused(() => admin.post('/api/users', { ...base, ...extra }), 400, 'VALIDATION_FAILED', { path: Object.keys(extra)[0]!, code: 'object.unknown' });
    }
    // A literal "__proto__" key in the JSON (what JSON.parse makes an own property).
    const raw = '{"username":"sneaky","password":"test-password-123","role":"district","__proto__":{"role":"admin","isAdmin":true}}';
    const res = await refused(() => admin.request('POST', '/api/users', raw, { 'content-type': 'application/json' }), 400, 'VALIDATION_FAILED');
    expect(res.body.error.details.map((d: any) => d.path).join(' ')).to.match(/__proto__/);
    expect(await userRow('sneaky')).to.equal(null);
    expect(({} as any).isAdmin).to.equal(undefined); // no prototype pollution in the test process either
  });

  it('PATCH changes role and ward consistently, audited with before/after', async () => {
    await t.createUser('mover', 'ward', '26764');
    const moved = await admin.patch('/api/users/mover', { wardCode: '26767' });
    expect(moved.status).to.equal(200);
    expect(moved.body).to.include({ role: 'ward', wardCode: '26767', districtCode: '761' });
    const promoted = await admin.patch('/api/users/mover', { role: 'district' });
    expect(promoted.body).to.include({ role: 'district', wardCode: null, districtCode: '761' });
    await refused(() => admin.patch('/api/users/mover', { role: 'ward' }), 400, 'VALIDATION_FAILED', { path: 'wardCode', code: 'WARD_REQUIRED' });
    await refused(() => admin.patch('/api/users/mover', { wardCode: '26764' }), 400, 'VALIDATION_FAILED', { path: 'wardCode', code: 'WARD_NOT_ALLOWED' });
    await refused(() => admin.patch('/api/users/mover', { role: 'ward', wardCode: '00000' }), 400, 'VALIDATION_FAILED', { path: 'wardCode', code: 'UNKNOWN_WARD' });
    const back = await admin.patch('/api/users/mover', { role: 'ward', wardCode: '26770' });
    expect(back.body).to.include({ role: 'ward', wardCode: '26770' });
    const events = await auditRows(t, sql`action = 'update' and entity = 'user' and entity_id = (select id::text from users where username = 'mover')`);
    expect(events).to.have.length(3);
    expect(events[0]!.before).to.include({ role: 'ward', wardCode: '26764' });
    expect(events[0]!.after).to.include({ role: 'ward', wardCode: '26767' });
    expect(events[1]!.after).to.include({ role: 'district', wardCode: null });
    expect(JSON.stringify(events)).not.to.match(/scrypt|passwordHash|password_hash/);
  });

  it('a password reset sets mustChangePassword and revokes the user’s sessions and tokens', async () => {
    await t.createUser('forgetful', 'district');
    const old = await t.anon().post('/api/auth/token', { username: 'forgetful', password: TEST_PASSWORD });
    const res = await admin.patch('/api/users/forgetful', { password: 'reset-password-1' });
    expect(res.status).to.equal(200);
    expect(res.body.mustChangePassword).to.equal(true);
    const me = await t.anon().request('GET', '/api/auth/me', undefined, { authorization: `Bearer ${old.body.token}` });
    expect(me.status).to.equal(401);
    expect((await t.anon().post('/api/auth/token', { username: 'forgetful', password: TEST_PASSWORD })).status).to.equal(401);
    const fresh = await t.anon().post('/api/auth/token', { username: 'forgetful', password: 'reset-password-1' });
    expect(fresh.body.user.mustChangePassword).to.equal(true);
    const [event] = (await auditRows(t, sql`action = 'update' and entity_id = (select id::text from users where username = 'forgetful')`)).slice(-1);
    expect(event!.meta).to.deep.equal({ passwordReset: true, sessionsRevoked: 1 });
    expect(event!.before.mustChangePassword).to.equal(false);
    expect(event!.after.mustChangePassword).to.equal(true);
    expect(JSON.stringify(event)).not.to.contain('reset-password-1');
  });

  it('PATCH refuses unknown users (404), empty bodies and fields that may not be set (400), changing nothing', async () => {
    await refused(() => admin.patch('/api/users/no-such-user', { disabled: true }), 404, 'NOT_FOUND');
    await t.createUser('target', 'ward', '26764');
    await refused(() => admin.patch('/api/users/target', {}), 400, 'VALIDATION_FAILED');
    for (const extra of [{ username: 'renamed' }, { districtCode: '760' }, { mustChangePassword: false }, { passwordHash: 'x' }, { id: 'x' }, { version: 2 }]) {
      await refused(() => admin.patch('/api/users/target', { disabled: false, ...extra }), 400, 'VALIDATION_FAILED', { path: Object.keys(extra)[0]!, code: 'object.unknown' });
    }
    const raw = '{"disabled":false,"__proto__":{"role":"admin"}}';
    await refused(() => admin.request('PATCH', '/api/users/target', raw, { 'content-type': 'application/json' }), 400, 'VALIDATION_FAILED');
    await refused(() => admin.patch('/api/users/target', { password: 'short' }), 400, 'VALIDATION_FAILED', { path: 'password', code: 'string.min' });
    expect((await userRow('target')).role).to.equal('ward');
  });

  it('the last active admin can be neither disabled nor demoted', async () => {
    await t.registry.deps.db.execute(sql`update users set disabled = true where role = 'admin' and username <> 'admin'`);
    await refused(() => admin.patch('/api/users/admin', { disabled: true }), 409, 'LAST_ADMIN');
    await refused(() => admin.patch('/api/users/admin', { role: 'district' }), 409, 'LAST_ADMIN');
    await t.registry.deps.db.execute(sql`update users set disabled = false where username = 'second-admin'`);
    const other = await t.as('admin', null, 'third-admin');
    expect((await other.patch('/api/users/second-admin', { role: 'district' })).status).to.equal(200);
  });

  it('non-admins get 403 on every users endpoint, including escalating their own role; refusals are audited', async () => {
    const district = await t.as('district', null, 'd-officer');
    const ward = await t.as('ward', '26764', 'w-officer');
    const denied0 = await countAudit(t, 'access_denied');
    let n = 0;
    for (const [who, self] of [[district, 'd-officer'], [ward, 'w-officer']] as const) {
      await refused(() => who.get('/api/users'), 403, 'FORBIDDEN');
      await refused(() => who.post('/api/users', { username: 'made-by-' + self, password: TEST_PASSWORD, role: 'admin' }), 403, 'FORBIDDEN');
      await refused(() => who.patch(`/api/users/${self}`, { role: 'admin' }), 403, 'FORBIDDEN');
      await refused(() => who.patch(`/api/users/${self}`, { wardCode: '26767' }), 403, 'FORBIDDEN');
      await refused(() => who.patch('/api/users/admin', { disabled: true }), 403, 'FORBIDDEN');
      n += 5;
    }
    expect((await userRow('d-officer')).role).to.equal('district');
    expect((await userRow('w-officer')).ward_code).to.equal('26764');
    expect(await countAudit(t, 'access_denied')).to.equal(denied0 + n);
    const [last] = (await auditRows(t, sql`action = 'access_denied'`)).slice(-1);
    expect(last).to.deep.include({ entity: 'request', actor_username: 'w-officer' });
    expect(last!.meta).to.deep.equal({ method: 'PATCH', path: '/api/users/admin', code: 'FORBIDDEN' });
    await refused(() => t.anon().get('/api/users'), 401, 'UNAUTHENTICATED');
    await refused(() => t.anon().post('/api/users', { username: 'anon-made', password: TEST_PASSWORD, role: 'admin' }), 401, 'UNAUTHENTICATED');
  });

  describe('audit and change share one transaction', () => {
    const db = () => t.registry.deps.db;
    afterEach(async () => {
      await db().execute(sql`drop trigger if exists fail_audit on audit_events`);
      await db().execute(sql`drop trigger if exists fail_revoke on sessions`);
      await db().execute(sql`drop function if exists test_fail()`);
    });
    before(async () => t.createUser('tx-target', 'ward', '26764'));

    it('when the audit write fails, the user change is rolled back', async () => {
      await db().execute(sql.raw(`create function test_fail() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`));
      await db().execute(sql.raw(`create trigger fail_audit before insert on audit_events for each row when (new.action = 'update') execute function test_fail()`));
      const before = await dbFingerprint(t);
      const res = await admin.patch('/api/users/tx-target', { role: 'district' });
      expect(res.status).to.equal(500);
      expect(res.body.error.code).to.equal('INTERNAL');
      expect(await dbFingerprint(t)).to.deep.equal(before);
      expect((await userRow('tx-target')).role).to.equal('ward');
    });

    it('when the change fails after the user row was written, no audit row remains', async () => {
      await t.anon().post('/api/auth/token', { username: 'tx-target', password: TEST_PASSWORD });
      await db().execute(sql.raw(`create function test_fail() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`));
      await db().execute(sql.raw(`create trigger fail_revoke before update on sessions for each row execute function test_fail()`));
      const audits = await auditCount();
      const res = await admin.patch('/api/users/tx-target', { disabled: true });
      expect(res.status).to.equal(500);
      expect(await auditCount()).to.equal(audits);
      expect((await userRow('tx-target')).disabled).to.equal(false);
    });
  });
});
