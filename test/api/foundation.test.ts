import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server.ts';
import { configFor } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { openRegistry } from '../../server/bootstrap.ts';
import { importUnitsGeoJson } from '../../server/domain/units/service.ts';
import { DEFAULT_BOUNDARIES } from '../../server/domain/units/catalogue.ts';
import { systemActor } from '../../server/context.ts';

describe('foundation: app, errors, health, units', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  it('GET /api/health reports the engine and the applied migrations', async () => {
    const res = await t.anon().get('/api/health');
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('ok');
    expect(res.body.database).to.equal(t.engine);
    expect(res.body.migrations).to.be.a('number').greaterThan(0);
  });

  it('GET /api/units returns the 11 wards of Quận 12 as GeoJSON, marked schematic', async () => {
    const res = await t.anon().get('/api/units');
    expect(res.status).to.equal(200);
    expect(res.body.type).to.equal('FeatureCollection');
    expect(res.body.features).to.have.length(11);
    const codes = res.body.features.map((f: any) => f.properties.code);
    expect(codes).to.include.members(['26764', '26791']);
    expect(res.body.features[0].properties.boundary).to.equal('schematic');
    expect(res.body.features[0].geometry.type).to.equal('MultiPolygon');
  });

  it('malformed JSON is a 400 MALFORMED_JSON with both languages, not a 500', async () => {
    const res = await t.anon().request('POST', '/api/auth/login', '{"username": ', { 'content-type': 'application/json' });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('MALFORMED_JSON');
    expect(res.body.error.message.vi).to.be.a('string').and.not.empty;
    expect(res.body.error.message.en).to.be.a('string').and.not.empty;
  });

  it('an oversized body is 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024), password: 'y' });
    const res = await t.anon().request('POST', '/api/auth/login', big, { 'content-type': 'application/json' });
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('unknown routes get a JSON 404', async () => {
    const res = await t.anon().get('/api/no-such-thing');
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('ROUTE_NOT_FOUND');
  });

  it('validation errors name the field in both languages', async () => {
    const res = await t.anon().post('/api/auth/login', { username: 'a' });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    const d = res.body.error.details.find((x: any) => x.path === 'password');
    expect(d.message.vi).to.equal('Bắt buộc phải nhập');
    expect(d.message.en).to.match(/required/);
  });

  it('security headers are set and no stack trace leaks', async () => {
    const res = await t.anon().get('/api/health');
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('x-powered-by')).to.equal(null);
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('units import is idempotent', async () => {
    const geojson = JSON.parse(fs.readFileSync(DEFAULT_BOUNDARIES, 'utf8'));
    const who = { actor: systemActor(), requestId: 'test' };
    const again = await importUnitsGeoJson(t.registry.deps.db, who, geojson);
    expect(again).to.deep.equal({ created: 0, updated: 0, unchanged: 11 });
    geojson.features[0].properties.name = 'Phường Thử Nghiệm';
    const changed = await importUnitsGeoJson(t.registry.deps.db, who, geojson);
    expect(changed).to.deep.equal({ created: 0, updated: 1, unchanged: 10 });
  });
});

describe('foundation: the PGlite data folder', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-folder-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('data survives a restart, and a second process on the same folder is refused while the first keeps working', async () => {
    const config = configFor({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_PASSWORD: 'admin-password-123' });
    const logger = createLogger(config);
    const first = await openRegistry(config, logger, { announce: () => {} });
    const { sql } = await import('drizzle-orm');
    await first.deps.db.execute(sql`create table if not exists survival (v int)`);
    await first.deps.db.execute(sql`insert into survival values (42)`);

    // A second process (the real entry point) must refuse the folder and exit non-zero with a clear message.
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: '', DATABASE_READ_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
    expect(code).to.equal(3);
    expect(stderr).to.match(/in use by process \d+/);

    await first.deps.db.execute(sql`insert into survival values (43)`);
    await first.close();

    const second = await openRegistry(config, logger, { announce: () => {} });
    const rows = (await second.deps.db.execute(sql`select v from survival order by v`)) as unknown as { rows: { v: number }[] };
    expect(rows.rows.map((r) => r.v)).to.deep.equal([42, 43]);
    await second.close();
  });

  it('a stale lock from a dead process is taken over', async () => {
    fs.writeFileSync(path.join(dataDir, 'pgdata.lock'), '999999');
    const config = configFor({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const r = await openRegistry(config, createLogger(config), { announce: () => {} });
    expect(fs.readFileSync(path.join(dataDir, 'pgdata.lock'), 'utf8')).to.equal(String(process.pid));
    await r.close();
    expect(fs.existsSync(path.join(dataDir, 'pgdata.lock'))).to.equal(false);
  });
});
