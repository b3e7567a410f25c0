import { expect } from 'chai';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { startTestServer, ADMIN_PASSWORD, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import { ApiClient } from '../support/http.ts';
import { auditRows, cookieLogin, countAudit } from '../support/access.ts';
import { queryRows } from '../../server/db/client.ts';
import { createApp } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { ensureFirstAdmin } from '../../server/domain/users/service.ts';

const ago = (minutes: number) => sql`now() - make_interval(mins => ${minutes})`;

describe('auth: sessions, tokens, CSRF, expiry', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ env: { SESSION_IDLE_MINUTES: '30', SESSION_ABSOLUTE_HOURS: '12' } });
  });
  after(async () => t?.close());

  const setSessions = (username: string, set: ReturnType<typeof sql>) =>
    t.registry.deps.db.execute(sql`update sessions set ${set} where user_id = (select id from users where username = ${username})`);

  it('login sets an httpOnly, SameSite=Lax session cookie and returns the user and a CSRF token', async () => {
    const res = await t.anon().post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).to.equal(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).to.match(/^shn_session=[A-Za-z0-9_-]{40,}/);
    expect(cookie).to.match(/HttpOnly/i);
    expect(cookie).to.match(/SameSite=Lax/i);
    expect(cookie).to.match(/Path=\//);
    expect(cookie).not.to.match(/Secure/i); // COOKIE_SECURE is off in tests
    expect(res.body.user).to.include({ username: 'admin', role: 'admin', wardCode: null });
    expect(res.body.user).not.to.have.property('passwordHash');
    expect(res.body.csrfToken).to.be.a('string').with.length.greaterThan(20);
  });

  it('the session token is stored only as an HMAC', async () => {
    const c = t.anon();
    await c.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    const raw = c.cookie!.split('=')[1]!;
    const rows = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from sessions where token_hash = ${raw}`);
    expect(rows[0]!.n).to.equal(0);
  });

  it('a cookie POST without the CSRF header is 403 CSRF_FAILED (and changes nothing); with it, it succeeds', async () => {
    const c = await cookieLogin(t, 'admin', ADMIN_PASSWORD);
    const csrf = c.csrf;
    const body = { username: 'csrf-victim', password: TEST_PASSWORD, role: 'district' };
    c.csrf = null;
    const denied0 = await countAudit(t, 'access_denied');
    const bare = await c.post('/api/users', body);
    expect(bare.status).to.equal(403);
    expect(bare.body.error.code).to.equal('CSRF_FAILED');
    expect(bare.body.error.message.vi).to.be.a('string').and.not.empty;
    c.csrf = 'x'.repeat(csrf!.length);
    expect((await c.post('/api/users', body)).status).to.equal(403);
    const users = await queryRows(t.registry.deps.db, sql`select 1 from users where username = 'csrf-victim'`);
    expect(users).to.have.length(0);
    expect(await countAudit(t, 'access_denied')).to.equal(denied0 + 2);
    c.csrf = csrf;
    const ok = await c.post('/api/users', body);
    expect(ok.status).to.equal(201);
    // Safe methods need no token.
    c.csrf = null;
    expect((await c.get('/api/auth/me')).status).to.equal(200);
  });

  it('GET /api/auth/me returns the CSRF token again for a reloaded page', async () => {
    const c = await cookieLogin(t, 'admin', ADMIN_PASSWORD);
    const me = await c.get('/api/auth/me');
    expect(me.body.csrfToken).to.equal(c.csrf);
    expect(me.body.user.username).to.equal('admin');
  });

  it('token flow: a bearer token works without CSRF, logout revokes it', async () => {
    const anon = t.anon();
    const res = await anon.post('/api/auth/token', { username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).to.equal(200);
    expect(res.body.token).to.match(/^[A-Za-z0-9_-]{40,}$/);
    expect(new Date(res.body.expiresAt).getTime()).to.be.greaterThan(Date.now() + 24 * 3600_000);
    expect(res.headers.get('set-cookie')).to.equal(null);
    const c = new ApiClient(t.baseUrl, res.body.token);
    expect((await c.get('/api/users')).status).to.equal(200);
    expect((await c.post('/api/users', { username: 'via-token', password: TEST_PASSWORD, role: 'district' })).status).to.equal(201);
    expect((await c.post('/api/auth/logout')).status).to.equal(204);
    const after = await c.get('/api/users');
    expect(after.status).to.equal(401);
    expect(after.body.error.code).to.equal('UNAUTHENTICATED');
  });

  it('a malformed or unknown bearer token is 401', async () => {
    expect((await new ApiClient(t.baseUrl, 'short').get('/api/auth/me')).status).to.equal(401);
    expect((await new ApiClient(t.baseUrl, 'A'.repeat(43)).get('/api/auth/me')).status).to.equal(401);
  });

  it('a session cookie is not accepted as a bearer token, nor a token as a cookie', async () => {
    const browser = await cookieLogin(t, 'admin', ADMIN_PASSWORD);
    const asBearer = new ApiClient(t.baseUrl, browser.cookie!.split('=')[1]!);
    expect((await asBearer.get('/api/auth/me')).status).to.equal(401);
    const token = (await t.anon().post('/api/auth/token', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
    const asCookie = t.anon();
    asCookie.cookie = `shn_session=${token}`;
    expect((await asCookie.get('/api/auth/me')).status).to.equal(401);
  });

  it('wrong password and unknown user get the same 401 and are audited as login_failed, without the password', async () => {
    const wrong = await t.anon().post('/api/auth/login', { username: 'admin', password: 'not-the-password-xyz' });
    const unknown = await t.anon().post('/api/auth/login', { username: 'nobody-here', password: 'not-the-password-xyz' });
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    expect(wrong.body.error.code).to.equal('INVALID_CREDENTIALS');
    expect(unknown.body.error.message).to.deep.equal(wrong.body.error.message);
    const failed = await auditRows(t, sql`action = 'login_failed'`);
    expect(failed.map((r) => r.meta.reason)).to.include.members(['wrong_password', 'unknown_user']);
    expect(JSON.stringify(failed)).not.to.contain('not-the-password-xyz');
  });

  it('a browser session expires after the idle timeout; the session row is revoked', async () => {
    await t.createUser('idle-user', 'district');
    const c = await cookieLogin(t, 'idle-user', TEST_PASSWORD);
    await setSessions('idle-user', sql`last_seen_at = ${ago(29)}`);
    expect((await c.get('/api/auth/me')).status).to.equal(200);
    await setSessions('idle-user', sql`last_seen_at = ${ago(31)}`);
    const res = await c.get('/api/auth/me');
    expect(res.status).to.equal(401);
    const rows = await queryRows<{ revoked: boolean }>(t.registry.deps.db, sql`select revoked_at is not null as revoked from sessions s join users u on u.id = s.user_id where u.username = 'idle-user'`);
    expect(rows.every((r) => r.revoked)).to.equal(true);
    // Going back in time does not revive it.
    await setSessions('idle-user', sql`last_seen_at = now()`);
    expect((await c.get('/api/auth/me')).status).to.equal(401);
  });

  it('a request keeps an active session alive (last_seen_at moves forward)', async () => {
    await t.createUser('busy-user', 'district');
    const c = await cookieLogin(t, 'busy-user', TEST_PASSWORD);
    await setSessions('busy-user', sql`last_seen_at = ${ago(20)}`);
    expect((await c.get('/api/auth/me')).status).to.equal(200);
    const [row] = await queryRows<{ idle: number }>(t.registry.deps.db, sql`select extract(epoch from now() - max(last_seen_at))::int as idle from sessions s join users u on u.id = s.user_id where u.username = 'busy-user'`);
    expect(row!.idle).to.be.lessThan(60);
  });

  it('sessions and tokens stop at their absolute expiry', async () => {
    await t.createUser('old-user', 'district');
    const browser = await cookieLogin(t, 'old-user', TEST_PASSWORD);
    const token = (await t.anon().post('/api/auth/token', { username: 'old-user', password: TEST_PASSWORD })).body.token;
    const script = new ApiClient(t.baseUrl, token);
    expect((await script.get('/api/auth/me')).status).to.equal(200);
    await setSessions('old-user', sql`expires_at = now() - interval '1 second'`);
    expect((await browser.get('/api/auth/me')).status).to.equal(401);
    expect((await script.get('/api/auth/me')).status).to.equal(401);
  });

  it('API tokens are not held to the browser idle timeout (only TOKEN_IDLE_DAYS and their absolute expiry)', async () => {
    await t.createUser('script-user', 'district');
    const token = (await t.anon().post('/api/auth/token', { username: 'script-user', password: TEST_PASSWORD })).body.token;
    await setSessions('script-user', sql`last_seen_at = ${ago(24 * 60)}`);
    expect((await new ApiClient(t.baseUrl, token).get('/api/auth/me')).status).to.equal(200);
  });

  it('a browser session lives SESSION_ABSOLUTE_HOURS at most', async () => {
    await t.createUser('life-user', 'district');
    await cookieLogin(t, 'life-user', TEST_PASSWORD);
    const [row] = await queryRows<{ hours: number }>(t.registry.deps.db, sql`select round(extract(epoch from s.expires_at - s.created_at) / 3600)::int as hours from sessions s join users u on u.id = s.user_id where u.username = 'life-user'`);
    expect(row!.hours).to.equal(12);
  });

  it('a disabled user loses access at the next request, on every session and token', async () => {
    const admin = await t.admin();
    await t.createUser('leaver', 'ward', '26764');
    const browser = await cookieLogin(t, 'leaver', TEST_PASSWORD);
    const script = new ApiClient(t.baseUrl, (await t.anon().post('/api/auth/token', { username: 'leaver', password: TEST_PASSWORD })).body.token);
    expect((await script.get('/api/auth/me')).status).to.equal(200);
    expect((await admin.patch('/api/users/leaver', { disabled: true })).status).to.equal(200);
    expect((await browser.get('/api/auth/me')).status).to.equal(401);
    expect((await script.get('/api/auth/me')).status).to.equal(401);
    const login = await t.anon().post('/api/auth/login', { username: 'leaver', password: TEST_PASSWORD });
    expect(login.status).to.equal(401);
    const [failed] = (await auditRows(t, sql`action = 'login_failed' and actor_username = 'leaver'`)).slice(-1);
    expect(failed!.meta.reason).to.equal('disabled');
    // Re-enabling does not revive the old sessions; a new login works.
    expect((await admin.patch('/api/users/leaver', { disabled: false })).status).to.equal(200);
    expect((await script.get('/api/auth/me')).status).to.equal(401);
    expect((await t.anon().post('/api/auth/login', { username: 'leaver', password: TEST_PASSWORD })).status).to.equal(200);
  });

  it('usernames are matched in lower case at login', async () => {
    const res = await t.anon().post('/api/auth/token', { username: '  ADMIN ', password: ADMIN_PASSWORD });
    expect(res.status).to.equal(200);
  });
});

describe('auth: password change and first login', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  it('first start without ADMIN_PASSWORD prints a one-time password that must be changed before anything else', async () => {
    const db = t.registry.deps.db;
    await db.execute(sql`delete from sessions`);
    await db.execute(sql`delete from users`);
    let printed = '';
    await ensureFirstAdmin(db, { ...t.config, adminPassword: null }, (text) => (printed += text));
    const once = /password: (\S+)/.exec(printed)?.[1];
    expect(once).to.be.a('string').with.length(15);
    // A second start prints nothing.
    let again = '';
    await ensureFirstAdmin(db, { ...t.config, adminPassword: null }, (text) => (again += text));
    expect(again).to.equal('');

    const c = await cookieLogin(t, 'admin', once!);
    const me = await c.get('/api/auth/me');
    expect(me.body.user.mustChangePassword).to.equal(true);
    for (const res of [await c.get('/api/users'), await c.get('/api/audit'), await c.post('/api/users', { username: 'x-user', password: TEST_PASSWORD, role: 'district' })]) {
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('PASSWORD_CHANGE_REQUIRED');
    }
    const script = new ApiClient(t.baseUrl, (await t.anon().post('/api/auth/token', { username: 'admin', password: once })).body.token);
    expect((await script.get('/api/users')).body.error.code).to.equal('PASSWORD_CHANGE_REQUIRED');

    const short = await c.post('/api/auth/password', { currentPassword: once, newPassword: 'short' });
    expect(short.status).to.equal(400);
    expect(short.body.error.details[0]).to.include({ path: 'newPassword', code: 'string.min' });
    const same = await c.post('/api/auth/password', { currentPassword: once, newPassword: once });
    expect(same.body.error.details[0]).to.include({ path: 'newPassword', code: 'PASSWORD_UNCHANGED' });
    const wrong = await c.post('/api/auth/password', { currentPassword: 'wrong-password-1', newPassword: 'brand-new-password' });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.details[0]).to.include({ path: 'currentPassword', code: 'WRONG_PASSWORD' });
    expect(await countAudit(t, 'password_change')).to.equal(0);

    const ok = await c.post('/api/auth/password', { currentPassword: once, newPassword: 'brand-new-password' });
    expect(ok.status).to.equal(200);
    expect(ok.body.user.mustChangePassword).to.equal(false);
    expect((await c.get('/api/users')).status).to.equal(200);
    // The other session (the script's token) was revoked; the old password no longer works.
    expect((await script.get('/api/auth/me')).status).to.equal(401);
    expect((await t.anon().post('/api/auth/login', { username: 'admin', password: once })).status).to.equal(401);
    expect((await t.anon().post('/api/auth/login', { username: 'admin', password: 'brand-new-password' })).status).to.equal(200);
    const [event] = await auditRows(t, sql`action = 'password_change'`);
    expect(event!.before).to.deep.equal({ mustChangePassword: true });
    expect(event!.after).to.deep.equal({ mustChangePassword: false });
    expect(event!.meta.sessionsRevoked).to.equal(1);
    expect(JSON.stringify(event)).not.to.contain('brand-new-password');
  });

  it('password change needs a login and rejects unknown fields', async () => {
    expect((await t.anon().post('/api/auth/password', { currentPassword: 'a', newPassword: 'bbbbbbbbbbbb' })).status).to.equal(401);
    const c = await t.as('district');
    const res = await c.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'another-password-1', role: 'admin' });
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0]).to.include({ path: 'role', code: 'object.unknown' });
  });
});

describe('auth: login throttling', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ env: { LOGIN_RATE_LIMIT: '3', TRUST_PROXY: '1' } });
    await t.createUser('victim', 'district');
  });
  after(async () => t?.close());

  const attempt = (ip: string, username: string, password: string, path = '/api/auth/login') =>
    t.anon().post(path, { username, password }, { 'x-forwarded-for': ip });

  it('per account and client: after LOGIN_RATE_LIMIT failures that client gets 429 even with the right password; a clean client does not', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('10.0.0.1', 'victim', `wrong-password-${i}`)).status).to.equal(401);
    expect((await attempt('10.0.0.4', 'VICTIM', TEST_PASSWORD, '/api/auth/token')).status).to.equal(200); // issue 13 item 5
    const res = await attempt('10.0.0.1', 'VICTIM', TEST_PASSWORD, '/api/auth/token');
    expect(res.status).to.equal(429);
    expect(res.body.error.code).to.equal('TOO_MANY_REQUESTS');
    expect(res.body.error.message.vi).to.match(/15 phút/);
    expect(res.body.error.message.en).to.match(/15 minutes/);
    expect(res.headers.get('retry-after')).to.match(/^\d+$/);
    // Other accounts from a fresh address are unaffected.
    expect((await attempt('10.0.0.5', 'admin', ADMIN_PASSWORD)).status).to.equal(200);
  });

  it('per IP: after LOGIN_RATE_LIMIT failures on different accounts, that address is refused, others are not', async () => {
    for (const name of ['a-user', 'b-user', 'c-user']) expect((await attempt('10.0.1.1', name, 'wrong-password-0')).status).to.equal(401);
    expect((await attempt('10.0.1.1', 'admin', ADMIN_PASSWORD)).status).to.equal(429);
    expect((await attempt('10.0.1.2', 'admin', ADMIN_PASSWORD)).status).to.equal(200);
  });

  it('successful logins do not count', async () => {
    for (let i = 0; i < 6; i++) expect((await attempt('10.0.2.1', 'admin', ADMIN_PASSWORD, '/api/auth/token')).status).to.equal(200);
  });

  it('guessing the current password on the password-change route is throttled too', async () => {
    await t.createUser('guessed', 'district');
    const c = new ApiClient(t.baseUrl, (await attempt('10.0.3.1', 'guessed', TEST_PASSWORD, '/api/auth/token')).body.token);
    const guess = () => c.post('/api/auth/password', { currentPassword: 'guess-number-1', newPassword: 'new-password-123' }, { 'x-forwarded-for': '10.0.3.2' });
    for (let i = 0; i < 3; i++) expect((await guess()).status).to.equal(400);
    expect((await guess()).status).to.equal(429);
  });
});

describe('auth: no secrets in logs', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  it('a trace-level request log holds no password, token or cookie', async () => {
    let log = '';
    const sink = new Writable({ write(chunk, _enc, done) { log += chunk; done(); } });
    const app = createApp({ ...t.registry.deps, logger: createLogger({ logLevel: 'trace' }, sink) });
    const server = await new Promise<import('node:http').Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    try {
      const c = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      await c.post('/api/auth/login', { username: 'admin', password: 'secret-wrong-pass-1' });
      const ok = await c.post('/api/auth/token', { username: 'admin', password: ADMIN_PASSWORD });
      const browser = new ApiClient(c.baseUrl);
      await browser.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
      const script = new ApiClient(c.baseUrl, ok.body.token);
      await script.post('/api/auth/password', { currentPassword: ADMIN_PASSWORD, newPassword: 'secret-new-pass-2' });
      expect(log).to.contain('/api/auth/login'); // the log is really captured
      for (const secret of ['secret-wrong-pass-1', ADMIN_PASSWORD, 'secret-new-pass-2', ok.body.token, browser.cookie!.split('=')[1]!]) {
        expect(log).not.to.contain(secret);
      }
      const audit = JSON.stringify(await auditRows(t));
      for (const secret of ['secret-wrong-pass-1', ADMIN_PASSWORD, 'secret-new-pass-2']) expect(audit).not.to.contain(secret);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
