/**
 * Issue 16 in one process: two app instances (two Express apps, each with its own middleware state) on one database.
 * Whatever one instance stores, the other serves: login throttling counts, imports (upload on A; poll, annotated
 * workbook and commit on B). Migrations take an advisory lock; /api/health tells the replica's state and, to admins
 * only, the URLs without passwords. The real two-process, two-cluster proof is `npm run test:scale`.
 */
import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { createApp } from '../../server/app.ts';
import { openDatabase, queryRows } from '../../server/db/client.ts';
import { countMigrations, runMigrations } from '../../server/db/migrate.ts';
import { ReadRouting } from '../../server/db/replica.ts';
import { createLogger } from '../../server/logger.ts';
import { freshPostgresDatabase, startTestServer, TEST_DATABASE_READ_URL, TEST_DATABASE_URL, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import { ApiClient } from '../support/http.ts';
import { SharedCounterStore } from '../../server/http/shared-counters.ts';
import { surveyRows, uploadWorkbook, waitForImport, workbookBuffer, col } from '../support/workbooks.ts';

describe('two app instances on one database (issue 16)', function () {
  this.timeout(120_000);
  let t: TestServer;
  let serverB: Server;
  let baseB: string;
  before(async () => {
    t = await startTestServer();
    serverB = await new Promise((resolve) => {
      const s = createApp(t.registry.deps).listen(0, '127.0.0.1', () => resolve(s));
    });
    baseB = `http://127.0.0.1:${(serverB.address() as AddressInfo).port}`;
  });
  after(async () => {
    serverB?.closeAllConnections();
    await new Promise((r) => serverB?.close(r));
    await t?.close();
  });

  it('failed logins counted on A and on B add up to one limit (counters in the database, keys not in clear)', async () => {
    await t.createUser('shared-limit', 'ward', '26764');
    const a = t.anon();
    const b = new ApiClient(baseB);
    const wrong = { username: 'shared-limit', password: 'wrong-password-1' };
    for (let i = 0; i < 6; i++) expect((await a.post('/api/auth/login', wrong)).status).to.equal(401);
    for (let i = 0; i < 4; i++) expect((await b.post('/api/auth/login', wrong)).status).to.equal(401);
    // The limit is 10 failures per account: the 11th, on either instance, is refused even with the right password.
    expect((await b.post('/api/auth/login', wrong)).status).to.equal(429);
    expect((await a.post('/api/auth/login', { username: 'shared-limit', password: TEST_PASSWORD })).status).to.equal(429);
    const keys = await queryRows<{ key: string }>(t.registry.deps.db, sql`select key from login_counters`);
    expect(keys.length).to.be.at.least(2);
    expect(keys.map((k) => k.key).join(' ')).not.to.match(/shared-limit|127\.0\.0\.1/);
    // The per-client limit counted this address too: let the next tests log in.
    await t.registry.deps.db.execute(sql`delete from login_counters`);
  });

  it('the growing per-account login delay counts failures from every instance in one place', async () => {
    await t.createUser('shared-delay', 'ward', '26764');
    const wrong = { username: 'shared-delay', password: 'wrong-password-1' };
    for (let i = 0; i < 3; i++) expect((await t.anon().post('/api/auth/login', wrong)).status).to.equal(401);
    for (let i = 0; i < 2; i++) expect((await new ApiClient(baseB).post('/api/auth/login', wrong)).status).to.equal(401);
    const store = new SharedCounterStore(t.registry.deps.db, t.registry.deps.secret, 'login-account-delay');
    // The count is written after the answer: wait for the last one to land.
    let hits = 0;
    for (let i = 0; i < 50 && hits < 5; i++) {
      hits = (await store.get('shared-delay'))?.totalHits ?? 0;
      if (hits < 5) await new Promise((r) => setTimeout(r, 50));
    }
    expect(hits).to.equal(5);
    expect((await t.anon().post('/api/auth/login', { username: 'shared-delay', password: TEST_PASSWORD })).status).to.equal(200);
    await t.registry.deps.db.execute(sql`delete from login_counters`);
  });

  it('an import uploaded on A is polled, downloaded annotated and committed on B', async () => {
    const ward = await t.as('ward', '26767');
    const onB = new ApiClient(baseB, ward.token);
    const rows = surveyRows(6, { wards: ['26767'], codePrefix: 'MI' });
    rows[2]![col('Số nhân khẩu')] = 'abc';
    const res = await uploadWorkbook(ward, await workbookBuffer([{ name: 'Hộ', rows }]));
    expect(res.status).to.equal(202);
    const done = await waitForImport(onB, res.body.id);
    expect(done.status).to.equal('validated');
    expect(done.summary).to.include({ rows: 6, valid: 5, invalid: 1 });
    const annotated = await onB.get(`/api/imports/${res.body.id}/annotated.xlsx`);
    expect(annotated.status).to.equal(200);
    expect(annotated.body.subarray(0, 2).toString()).to.equal('PK');
    expect((await onB.post(`/api/imports/${res.body.id}/commit`, { skipInvalid: true })).status).to.equal(202);
    expect((await waitForImport(ward, res.body.id)).status).to.equal('committed');
    expect((await onB.get('/api/households?q=MI&pageSize=50')).body.meta.total).to.equal(5);
  });

  it('/api/health: the replica state for all, the database URLs without passwords for admins only', async () => {
    const anon = (await t.anon().get('/api/health')).body;
    expect(anon).to.include({ status: 'ok', database: t.engine });
    // Under `npm run test:scale` with SCALE_API the harness reads through a replica.
    if (TEST_DATABASE_READ_URL) expect(anon.replica).to.include({ ok: true, inRecovery: true });
    else expect(anon.replica).to.equal(null);
    expect(anon).not.to.have.property('databaseUrl');
    const admin = (await (await t.admin()).get('/api/health')).body;
    expect(admin).to.have.property('instance').that.is.a('string');
    expect(admin.databaseReadUrl === null).to.equal(!TEST_DATABASE_READ_URL);
    if (t.engine === 'postgres') {
      const password = new URL(TEST_DATABASE_URL).password;
      expect(admin.databaseUrl).to.be.a('string').and.match(/^postgres/);
      if (password) expect(admin.databaseUrl).not.to.contain(password);
    } else expect(admin.databaseUrl).to.equal(null);
  });

  it('PostgreSQL: instances starting together migrate once under an advisory lock; a read URL that is no standby is read at once', async function () {
    if (!TEST_DATABASE_URL) this.skip();
    const fresh = await freshPostgresDatabase(TEST_DATABASE_URL);
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => openDatabase({ databaseUrl: fresh.url, readUrl: fresh.url })));
    try {
      // Without the lock, concurrent drizzle migrators race on CREATE TABLE and all but one fail.
      const counts = await Promise.all([a!, b!, c!].map((d) => runMigrations(d)));
      expect(new Set(counts).size).to.equal(1);
      expect(counts[0]).to.equal(await countMigrations(a!));
      const routing = new ReadRouting(a!.db, a!.readDb, 50, createLogger({ logLevel: 'silent' }));
      expect(await routing.reader()).to.equal(a!.readDb);
      expect(routing.stats).to.deep.equal({ replica: 1, primary: 0 });
      expect(await routing.health()).to.include({ ok: true, inRecovery: false, lagBytes: 0 });
    } finally {
      await Promise.all([a!, b!, c!].map((d) => d.close()));
      await fresh.drop();
    }
  });
});
