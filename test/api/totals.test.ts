import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../server/db/schema.ts';
import { systemActor } from '../../server/context.ts';
import { importHcmcCatalogue } from '../../server/domain/units/service.ts';
import { readTotalsSheet } from '../../server/domain/units/totals-sheet.ts';
import { importWardTotals } from '../../server/domain/units/totals-service.ts';
import { AppError } from '../../server/errors.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';

async function sheet(file: string, rows: unknown[][]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Tổng số hộ');
  for (const r of rows) ws.addRow(r);
  await wb.xlsx.writeFile(file);
}

describe('ward totals: API, scope, audit, sheet import', function () {
  this.timeout(60_000);
  let t: TestServer;
  let admin: ApiClient;
  let district: ApiClient;
  let ward: ApiClient;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-totals-'));

  before(async () => {
    t = await startTestServer();
    await importHcmcCatalogue(t.registry.deps.db); // wards of other districts, for the scope checks
    admin = await t.admin();
    district = await t.as('district');
    ward = await t.as('ward', '26767');
  });
  after(async () => {
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const auditsOf = (entityId: string) =>
    t.registry.deps.db.select().from(auditEvents).where(and(eq(auditEvents.entity, 'ward_total'), eq(auditEvents.entityId, entityId)));

  it('admin and district users set a total; each change is audited once, a repeat is not', async () => {
    let res = await admin.put('/api/units/26764/totals/2017', { households: 12345 });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ wardCode: '26764', round: 2017, households: 12345 });
    res = await district.put('/api/units/26764/totals/2017', { households: 12400 });
    expect(res.status).to.equal(200);
    res = await district.put('/api/units/26764/totals/2017', { households: 12400 });
    expect(res.status).to.equal(200);
    const audits = await auditsOf('26764/2017');
    expect(audits.map((a) => [a.action, a.before, a.after])).to.deep.equal([
      ['create', null, { households: 12345 }],
      ['update', { households: 12345 }, { households: 12400 }],
    ]);
    expect(audits[1]!.wardCode).to.equal('26764');
  });

  it('a ward user may read but not set totals (403); out-of-district wards are 404 for a district user', async () => {
    expect((await ward.put('/api/units/26767/totals/2017', { households: 5 })).status).to.equal(403);
    const outside = await district.put('/api/units/26734/totals/2017', { households: 5 }); // a ward of Quận 1
    expect(outside.status).to.equal(404);
    expect(outside.body.error.code).to.equal('NOT_FOUND');
    expect((await admin.put('/api/units/26734/totals/2017', { households: 5 })).status).to.equal(200);
  });

  it('refuses bad input with field paths: round out of range, negative, unknown keys', async () => {
    let res = await admin.put('/api/units/26764/totals/2030', { households: 1 });
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0].path).to.equal('round');
    res = await admin.put('/api/units/26764/totals/2017', { households: -1 });
    expect(res.body.error.details[0].path).to.equal('households');
    res = await admin.put('/api/units/26764/totals/2017', { households: 1, wardCode: '26767' });
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0].path).to.equal('wardCode');
    expect((await admin.get('/api/units/totals')).status).to.equal(400);
  });

  it('GET /api/units/totals lists the scope, with null where no total was entered', async () => {
    const all = await district.get('/api/units/totals?round=2017');
    expect(all.status).to.equal(200);
    expect(all.body.data).to.have.length(11);
    expect(all.body.data.find((w: any) => w.wardCode === '26764').households).to.equal(12400);
    expect(all.body.data.find((w: any) => w.wardCode === '26767').households).to.equal(null);
    const own = await ward.get('/api/units/totals?round=2017');
    expect(own.body.data.map((w: any) => w.wardCode)).to.deep.equal(['26767']);
    expect((await t.anon().get('/api/units/totals?round=2017')).status).to.equal(401);
  });

  it('the sheet reader skips a header, reads codes typed as numbers, and names bad cells', async () => {
    const bad = path.join(tmp, 'bad.xlsx');
    await sheet(bad, [['Mã phường', 'Tổng số hộ'], [26764, 100], ['2676', 5], ['26770', -3], ['26773', 'many']]);
    const err = await readTotalsSheet(bad).catch((e) => e);
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).details.map((d) => d.path)).to.deep.equal(['A3', 'B4', 'B5']);
    const good = path.join(tmp, 'good.xlsx');
    await sheet(good, [['Mã phường', 'Tổng số hộ'], [26767, 9000], ['26770', '10 500']]);
    expect(await readTotalsSheet(good)).to.deep.equal([
      { row: 2, wardCode: '26767', households: 9000 },
      { row: 3, wardCode: '26770', households: 10500 },
    ]);
  });

  it('the import is all or nothing: an unknown ward refuses the whole sheet', async () => {
    const ctx = { db: t.registry.deps.db, config: t.config, actor: systemActor('test'), requestId: 'test' };
    const err = await importWardTotals(ctx, 2016, [
      { row: 2, wardCode: '26767', households: 1 },
      { row: 3, wardCode: '99999', households: 2 },
    ]).catch((e) => e);
    expect(err.details[0]).to.deep.include({ path: 'row 3', code: 'UNKNOWN_WARD' });
    const listed = await district.get('/api/units/totals?round=2016');
    expect(listed.body.data.every((w: any) => w.households === null)).to.equal(true);
  });

  it('npm run totals:import loads a sheet through the CLI (PostgreSQL: the CLI opens the same database)', async function () {
    if (t.engine !== 'postgres') return this.skip(); // PGlite test databases live in memory: no folder to share
    const file = path.join(tmp, 'cli.xlsx');
    await sheet(file, [['Mã phường', 'Tổng số hộ'], ['26767', 9001], ['26770', 10501]]);
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/totals-import.ts', file, '--round', '2018'], {
      env: { ...process.env, DATABASE_URL: t.config.databaseUrl!, DATA_DIR: tmp, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code, out).to.equal(0);
    expect(out).to.match(/created 2, updated 0, unchanged 0/);
    const listed = await district.get('/api/units/totals?round=2018');
    expect(listed.body.data.find((w: any) => w.wardCode === '26770').households).to.equal(10501);
  });
});
