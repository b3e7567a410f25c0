/**
 * The README's promise, `npm ci && npm start`: scripts/start.mjs builds the client and the server (tsc to dist/) and
 * runs the compiled server. Every other test runs the sources, so a module that only works from server/ (a path
 * relative to its own file, say) would pass them all and still break `npm start` — as the backups module once did.
 * PGlite only: the compiled code is the same on both engines, and the server engine is proven by every other test.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_ADMIN_PASSWORD, startBenchServer, type BenchServer } from '../../scripts/lib/bench-server.ts';
import { TEST_DATABASE_URL } from '../support/server.ts';

describe('npm start (the compiled server, issue 14)', function () {
  this.timeout(400_000); // a fresh clone builds the client and the server first
  let dataDir = '';
  let server: BenchServer | null = null;

  before(async function () {
    if (TEST_DATABASE_URL) return this.skip();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-start-'));
    server = await startBenchServer({ dataDir: path.join(dataDir, 'data'), databaseUrl: null });
  });
  after(async () => {
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers health, serves the client and the OpenAPI document, signs in and takes a backup from dist/', async () => {
    const s = server!;
    const health = await s.get('/api/health');
    expect(health.status).to.equal(200);
    expect((health.body as { database: string }).database).to.equal('pglite');
    const index = await fetch(`${s.baseUrl}/`);
    expect(index.status).to.equal(200);
    expect(await index.text()).to.match(/<html/i);
    // Loaded on first use (issue 14): the compiled dynamic import must resolve to dist/ too.
    const openapi = await s.get('/api/openapi.json');
    expect(openapi.status).to.equal(200);
    expect((openapi.body as { openapi: string }).openapi).to.match(/^3\.1/);
    const login = await fetch(`${s.baseUrl}/api/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }) });
    expect(login.status).to.equal(200);
    const backup = await fetch(`${s.baseUrl}/api/admin/backups`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` } });
    expect(backup.status, await backup.clone().text()).to.be.oneOf([200, 201, 202]);
    expect(fs.existsSync(path.join(process.cwd(), 'dist/server/main.js'))).to.equal(true);
  });
});
