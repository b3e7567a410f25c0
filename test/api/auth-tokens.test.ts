/** Issue 13 (should-fix): a user lists and revokes their own API tokens; a token unused for TOKEN_IDLE_DAYS stops working. */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import { ApiClient } from '../support/http.ts';

describe('auth: API tokens list, revoke, idle expiry', function () {
  this.timeout(60_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ env: { TOKEN_IDLE_DAYS: '7' } });
    await t.createUser('scripter', 'district');
    await t.createUser('other-scripter', 'district');
  });
  after(async () => t?.close());

  const token = async (username: string) => new ApiClient(t.baseUrl, (await t.anon().post('/api/auth/token', { username, password: TEST_PASSWORD })).body.token);

  it('lists only the caller’s tokens (created, last used, expires; never the secret) and revokes one of them', async () => {
    const a = await token('scripter');
    const b = await token('scripter');
    const other = await token('other-scripter');
    const list = await a.get('/api/auth/tokens');
    expect(list.status).to.equal(200);
    expect(list.body.data).to.have.length(2);
    expect(Object.keys(list.body.data[0]).sort()).to.deep.equal(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name']);
    expect(list.body.data.map((x: any) => x.name)).to.deep.equal([null, null]);
    expect(JSON.stringify(list.body)).not.to.contain(b.token!);
    const otherId = (await other.get('/api/auth/tokens')).body.data[0].id;
    expect((await a.delete(`/api/auth/tokens/${otherId}`)).status).to.equal(404);
    expect((await other.get('/api/auth/me')).status).to.equal(200);
    const ids = list.body.data.map((x: any) => x.id);
    const bId = ids.find((id: string) => id !== ids[ids.length - 1]) ?? ids[0];
    expect((await a.delete(`/api/auth/tokens/${bId}`)).status).to.equal(204);
    const [meA, meB] = [await a.get('/api/auth/me'), await b.get('/api/auth/me')];
    expect([meA.status, meB.status].sort()).to.deep.equal([200, 401]); // exactly the revoked one stopped
    expect((await a.delete('/api/auth/tokens/not-a-uuid')).status).to.equal(400);
    const audit = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from audit_events where action = 'token_revoke'`);
    expect(audit[0]!.n).to.equal(1);
  });

  it('a token may be named on creation (plain text, ≤ 100 characters, NFC); the list shows the name', async () => {
    await t.createUser('namer', 'district');
    const create = (name: unknown) => t.anon().post('/api/auth/token', { username: 'namer', password: TEST_PASSWORD, name });
    const named = await create('  Xuất  danh sách hằng đêm '.normalize('NFD'));
    expect(named.status, JSON.stringify(named.body)).to.equal(200);
    expect(named.body.name).to.equal('Xuất danh sách hằng đêm');
    expect((await create('')).body.name).to.equal(null);
    const refused: [unknown, string][] = [['nightly\u202Eexport', 'INVALID_CHARACTERS'], ['a\u0000b', 'INVALID_CHARACTERS'], ['x'.repeat(101), 'string.max'], [42, 'string.base']];
    for (const [name, code] of refused) {
      const res = await create(name);
      expect(res.status, String(name)).to.equal(400);
      expect(res.body.error.details[0]).to.include({ path: 'name', code });
    }
    // The browser login takes no name (a session is not listed).
    expect((await t.anon().post('/api/auth/login', { username: 'namer', password: TEST_PASSWORD, name: 'x' })).status).to.equal(400);
    const list = await new ApiClient(t.baseUrl, named.body.token).get('/api/auth/tokens');
    expect(list.body.data.map((x: any) => x.name)).to.deep.equal([null, 'Xuất danh sách hằng đêm']);
    const [row] = await queryRows<{ name: string }>(t.registry.deps.db, sql`select name from sessions where kind = 'token' and name is not null`);
    expect(row!.name).to.equal('Xuất danh sách hằng đêm'.normalize('NFC'));
  });

  it('a token unused for TOKEN_IDLE_DAYS stops working; one used within them keeps working', async () => {
    const stale = await token('other-scripter');
    const fresh = await token('other-scripter');
    // `fresh` is the newest token: the older ones were last used 8 days ago, the newest 6 days ago.
    await queryRows(t.registry.deps.db, sql`update sessions set last_seen_at = now() - interval '8 days' where kind = 'token' and user_id = (select id from users where username = 'other-scripter') and id <> (select id from sessions where kind = 'token' order by created_at desc limit 1) returning id`);
    await queryRows(t.registry.deps.db, sql`update sessions set last_seen_at = now() - interval '6 days' where id = (select id from sessions where kind = 'token' order by created_at desc limit 1) returning id`);
    expect((await stale.get('/api/auth/me')).status).to.equal(401);
    expect((await fresh.get('/api/auth/me')).status).to.equal(200);
  });
});
