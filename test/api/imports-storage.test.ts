/**
 * Issue 16 item 1 and issue 13 item 3: an import lives in the database (upload, parsed rows, annotated workbook in
 * `import_chunks`), any instance can serve it, a lapsed job is taken over; its data is deleted when it is committed,
 * fails, is discarded or expires; at most 1,000 errors are stored; a per-user quota answers 429.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { jobsOf, MAX_ATTEMPTS } from '../../server/domain/imports/jobs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import ExcelJS from '../../server/domain/imports/exceljs.ts';
import { col, surveyRows, uploadWorkbook, waitForImport, workbookBuffer } from '../support/workbooks.ts';

async function chunks(t: TestServer, id: string): Promise<Record<string, number>> {
  const rows = await queryRows<{ kind: string; n: number }>(t.registry.deps.db, sql`select kind, count(*)::int as n from import_chunks where import_id = ${id} group by kind`);
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/** Every file under DATA_DIR (the harness keeps PGlite in memory, so these are the app's own files). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

async function validated(client: ApiClient, buf: Buffer): Promise<any> {
  const res = await uploadWorkbook(client, buf);
  expect(res.status, JSON.stringify(res.body)).to.equal(202);
  const done = await waitForImport(client, res.body.id);
  expect(done.status, JSON.stringify(done.failure)).to.equal('validated');
  return done;
}

describe('imports: stored in the database, deleted when done (issues 16 and 13.3)', function () {
  this.timeout(180_000);
  let t: TestServer;
  let district: ApiClient;
  const marker = `Lưu Trữ ${crypto.randomUUID().slice(0, 8)}`;
  const file = async (n: number, prefix: string) => {
    const rows = surveyRows(n, { codePrefix: prefix });
    for (let i = 1; i < rows.length; i++) rows[i]![col('Họ tên chủ hộ')] = `${marker} ${i}`;
    return workbookBuffer([{ name: 'Hộ', rows }]);
  };
  before(async () => {
    t = await startTestServer({ env: { IMPORT_QUOTA_MB: '1' } });
    district = await t.as('district');
  });
  after(async () => t?.close());

  it('keeps the upload and the parsed rows in the database, and no file of them on disk', async () => {
    const buf = await file(20, 'ST');
    const rec = await validated(district, buf);
    expect(await chunks(t, rec.id)).to.deep.equal({ upload: 1, rows: 1 });
    const [stored] = await queryRows<{ sha: string }>(t.registry.deps.db, sql`select encode(sha256(string_agg(data, ''::bytea order by seq)), 'hex') as sha from import_chunks where import_id = ${rec.id} and kind = 'upload'`);
    expect(stored!.sha).to.equal(crypto.createHash('sha256').update(buf).digest('hex'));
    // The parser's private folder is gone once it finished; nothing under DATA_DIR holds the rows.
    const files = filesUnder(t.config.dataDir);
    expect(files.filter((f) => !f.endsWith('secret.key')), files.join(', ')).to.deep.equal([]);
  });

  it('a commit deletes the data in its transaction: the record keeps its summary, the annotated workbook is gone (410)', async () => {
    const rec = await validated(district, await file(5, 'SC'));
    expect((await district.get(`/api/imports/${rec.id}/annotated.xlsx`)).status).to.equal(200);
    expect((await chunks(t, rec.id)).annotated).to.equal(1);
    expect((await district.post(`/api/imports/${rec.id}/commit`, {})).status).to.equal(202);
    const done = await waitForImport(district, rec.id);
    expect(done.status).to.equal('committed');
    expect(done.summary.households.new).to.equal(5);
    expect(await chunks(t, rec.id)).to.deep.equal({});
    const gone = await district.get(`/api/imports/${rec.id}/annotated.xlsx`);
    expect(gone.status).to.equal(410);
    expect(gone.body.error.code).to.equal('IMPORT_DATA_DELETED');
    expect(filesUnder(t.config.dataDir).filter((f) => !f.endsWith('secret.key'))).to.deep.equal([]);
  });

  it('a refused file keeps no data', async () => {
    const res = await uploadWorkbook(district, Buffer.from('not a workbook at all'));
    const done = await waitForImport(district, res.body.id);
    expect(done.status).to.equal('failed');
    expect(await chunks(t, res.body.id)).to.deep.equal({});
  });

  it('DELETE discards an uncommitted import (audited, idempotent); a committed one is 409', async () => {
    const rec = await validated(district, await file(3, 'SD'));
    const res = await district.delete(`/api/imports/${rec.id}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ id: rec.id, status: 'discarded' });
    expect(res.body.summary.rows).to.equal(3);
    expect(await chunks(t, rec.id)).to.deep.equal({});
    expect((await district.delete(`/api/imports/${rec.id}`)).body.status).to.equal('discarded');
    expect((await district.get(`/api/imports/${rec.id}/annotated.xlsx`)).status).to.equal(410);
    expect((await district.post(`/api/imports/${rec.id}/commit`, {})).status).to.equal(409);
    const audit = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from audit_events where action = 'discard' and entity_id = ${rec.id}`);
    expect(audit[0]!.n).to.equal(1);

    const committed = (await district.get('/api/imports?pageSize=100')).body.data.find((i: any) => i.status === 'committed');
    const refused = await district.delete(`/api/imports/${committed.id}`);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('IMPORT_NOT_DISCARDABLE');
  });

  it('the hourly sweep expires imports older than IMPORT_RETENTION_HOURS and deletes their data', async () => {
    const rec = await validated(district, await file(3, 'SE'));
    await t.registry.deps.db.execute(sql`update imports set created_at = now() - interval '25 hours' where id = ${rec.id}`);
    expect(await jobsOf(t.registry.deps.db).sweep()).to.equal(1);
    const after = (await district.get(`/api/imports/${rec.id}`)).body;
    expect(after.status).to.equal('expired');
    expect(await chunks(t, rec.id)).to.deep.equal({});
  });

  it('stores the first 1,000 errors with the count of the rest; the annotated workbook marks all of them', async () => {
    const rows = surveyRows(1100, { codePrefix: 'SX' });
    for (let i = 1; i < rows.length; i++) rows[i]![col('Số nhân khẩu')] = 'abc';
    const rec = await validated(district, await workbookBuffer([{ name: 'Hộ', rows }]));
    expect(rec.errorCount).to.equal(1100);
    expect(rec.errors).to.have.length(1000);
    expect(rec.errorsTruncated).to.equal(true);
    expect((await chunks(t, rec.id)).annotated).to.be.at.least(1);
    const res = await district.get(`/api/imports/${rec.id}/annotated.xlsx`);
    expect(res.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.getWorksheet('Hộ')!;
    expect(String(ws.getCell(1101, surveyRows(1)[0]!.length + 1).value)).to.match(/Số nhân khẩu/);
    expect((await district.delete(`/api/imports/${rec.id}`)).status).to.equal(200);
  });

  it('a user whose uncommitted uploads exceed IMPORT_QUOTA_MB is refused with 429 until one is discarded', async () => {
    const ward = await t.as('ward', '26764');
    // Incompressible padding: each file is ~0.6 MB, the quota 1 MB.
    const padding = Array.from({ length: 2000 }, () => [crypto.randomBytes(300).toString('base64')]);
    const big = async (prefix: string) => workbookBuffer([{ name: 'Hộ', rows: surveyRows(2, { wards: ['26764'], codePrefix: prefix }) }, { name: 'Ghi chú', rows: padding }]);
    const first = await big('SQ1');
    expect(first.length).to.be.within(0.5 * 1048576, 1048576);
    const rec = await validated(ward, first);
    const refused = await uploadWorkbook(ward, await big('SQ2'));
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('IMPORT_QUOTA_EXCEEDED');
    expect((await ward.delete(`/api/imports/${rec.id}`)).status).to.equal(200);
    await validated(ward, await big('SQ3'));
  });

  it('a parse whose instance stopped beating is taken over; after MAX_ATTEMPTS, and for a commit, it is marked interrupted', async () => {
    const db = t.registry.deps.db;
    const jobs = jobsOf(db);
    const rec = await validated(district, await file(4, 'SK'));
    // Another instance claimed it and died an hour ago.
    await db.execute(sql`update imports set status = 'parsing', claimed_by = 'dead:1', heartbeat_at = now() - interval '1 hour', attempts = 1 where id = ${rec.id}`);
    await jobs.tick();
    const retaken = await waitForImport(district, rec.id);
    expect(retaken.status).to.equal('validated');
    expect(retaken.summary.rows).to.equal(4);
    const [row] = await queryRows<{ attempts: number; claimed_by: string | null }>(db, sql`select attempts, claimed_by from imports where id = ${rec.id}`);
    expect(row).to.deep.equal({ attempts: 2, claimed_by: null });

    // A live claim (recent heartbeat) is left alone.
    await db.execute(sql`update imports set status = 'parsing', claimed_by = 'alive:1', heartbeat_at = now(), attempts = ${MAX_ATTEMPTS} where id = ${rec.id}`);
    await jobs.tick();
    expect((await district.get(`/api/imports/${rec.id}`)).body.status).to.equal('parsing');
    // Out of attempts once it lapses: interrupted, data deleted.
    await db.execute(sql`update imports set heartbeat_at = now() - interval '1 hour' where id = ${rec.id}`);
    await jobs.tick();
    const failed = (await district.get(`/api/imports/${rec.id}`)).body;
    expect(failed.status).to.equal('failed');
    expect(failed.failure.code).to.equal('INTERRUPTED');
    expect(await chunks(t, rec.id)).to.deep.equal({});

    // A commit whose instance died: its transaction rolled back; interrupted, never half-applied.
    const rec2 = await validated(district, await file(2, 'SL'));
    await db.execute(sql`update imports set status = 'committing', claimed_by = 'dead:1', heartbeat_at = now() - interval '1 hour' where id = ${rec2.id}`);
    await jobs.tick();
    const c = (await district.get(`/api/imports/${rec2.id}`)).body;
    expect(c.status).to.equal('failed');
    expect(c.failure.code).to.equal('INTERRUPTED');
  });
});
