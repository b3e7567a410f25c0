/**
 * Issue 13 item 3 as faults figures (item 10, "uploads swept"; light variant in `npm test`, SHN_FAULTS=full runs
 * more and larger imports): an import's upload, parsed rows and annotated workbook do not pile up. Once it is
 * committed, fails (refused, or interrupted), is discarded or outlives IMPORT_RETENTION_HOURS, nothing of it is left
 * in `import_chunks` and no file under DATA_DIR holds it, while an uncommitted import keeps its annotated workbook
 * downloadable until it is discarded. A file with more than 1,000 row errors stores the first 1,000 and the count of
 * the rest; a user whose uncommitted uploads exceed IMPORT_QUOTA_MB gets 429.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { jobsOf, MAX_ATTEMPTS } from '../../server/domain/imports/jobs.ts';
import ExcelJS from '../../server/domain/imports/exceljs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { col, hostile, surveyRows, uploadWorkbook, waitForImport, workbookBuffer } from '../support/workbooks.ts';
import { FULL, figure } from '../support/faults.ts';

const ROUNDS = FULL ? 2 : 1;
/** 3,000 rows make a ~270 KB workbook whose parsed rows span several 1 MiB chunks. */
const ROWS = FULL ? 3000 : 20;
const ERROR_ROWS = FULL ? 5000 : 1100;
const MiB = 1048576;

/** Files under DATA_DIR/imports (where older versions kept imports) and DATA_DIR/tmp (the parser's folders). */
function importFilesOnDisk(dataDir: string): string[] {
  return ['imports', 'tmp'].flatMap((sub) => {
    const dir = path.join(dataDir, sub);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
  });
}

describe('faults · item 10: data protection (uploads swept)', function () {
  this.timeout(FULL ? 900_000 : 180_000);
  let t: TestServer;
  let district: ApiClient;
  before(async () => {
    t = await startTestServer({ env: { IMPORT_QUOTA_MB: '1' } });
    district = await t.as('district');
  });
  after(async () => t?.close());

  /** Chunks and bytes the given imports (or, with `except`, every other import) still hold. */
  async function held(where: { ids: string[] } | { except: string }): Promise<{ chunks: number; bytes: number }> {
    const cond = 'ids' in where ? sql`import_id in (${sql.join(where.ids.map((id) => sql`${id}`), sql`, `)})` : sql`import_id <> ${where.except}`;
    const [r] = await queryRows<{ chunks: number; bytes: number }>(t.registry.deps.db, sql`select count(*)::int as chunks, coalesce(sum(octet_length(data)), 0)::int as bytes from import_chunks where ${cond}`);
    return r!;
  }

  async function validated(prefix: string): Promise<string> {
    const res = await uploadWorkbook(district, await workbookBuffer([{ name: 'Hộ', rows: surveyRows(ROWS, { codePrefix: prefix }) }]));
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const done = await waitForImport(district, res.body.id, 600_000);
    expect(done.status, JSON.stringify(done.failure)).to.equal('validated');
    return done.id;
  }

  it('uploads swept: committed, failed, discarded and expired imports leave no chunk and no file; an uncommitted one stays downloadable', async () => {
    const db = t.registry.deps.db;
    const annotated = (id: string) => district.get(`/api/imports/${id}/annotated.xlsx`).then((r) => r.status);
    const ended: Record<'committed' | 'failed' | 'discarded' | 'expired', string[]> = { committed: [], failed: [], discarded: [], expired: [] };
    const whileHeld: number[] = [];
    const downloads: number[] = [];
    const after: number[] = [];
    /** A validated import: it holds its data and its annotated workbook downloads. */
    const live = async (prefix: string) => {
      const id = await validated(prefix);
      downloads.push(await annotated(id));
      const h = await held({ ids: [id] });
      expect(h.chunks, prefix).to.be.at.least(3); // upload, parsed rows, annotated workbook
      whileHeld.push(h.bytes);
      return id;
    };

    let planted = 0;
    const kept = await live('UK');
    for (let r = 0; r < ROUNDS; r++) {
      const c = await live(`UC${r}`);
      expect((await district.post(`/api/imports/${c}/commit`, {})).status).to.equal(202);
      expect((await waitForImport(district, c, 600_000)).status).to.equal('committed');
      ended.committed.push(c);

      for (const bad of [hostile.notAZip(), await workbookBuffer([{ name: 'Sheet1', rows: [['abc', 'def']] }])]) {
        const res = await uploadWorkbook(district, bad);
        expect(res.status).to.equal(202);
        expect((await waitForImport(district, res.body.id)).status).to.equal('failed');
        ended.failed.push(res.body.id);
      }
      // A parse whose instance died after its last attempt: interrupted, and its data goes with it.
      const i = await live(`UI${r}`);
      await db.execute(sql`update imports set status = 'parsing', claimed_by = 'dead:1', heartbeat_at = now() - interval '1 hour', attempts = ${MAX_ATTEMPTS} where id = ${i}`);
      await jobsOf(db).tick();
      expect((await district.get(`/api/imports/${i}`)).body.failure?.code).to.equal('INTERRUPTED');
      ended.failed.push(i);

      const d = await live(`UD${r}`);
      expect((await district.delete(`/api/imports/${d}`)).status).to.equal(200);
      ended.discarded.push(d);

      const e = await live(`UE${r}`);
      await db.execute(sql`update imports set created_at = now() - make_interval(hours => ${t.config.importRetentionHours + 1}) where id = ${e}`);
      // What an older version left on disk for an import (parsed rows as a file) goes with the same sweep.
      fs.mkdirSync(path.join(t.config.dataDir, 'imports', e), { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(t.config.dataDir, 'imports', e, 'rows.ndjson'), '{"headName":"Lưu Trữ Cũ"}\n', { mode: 0o600 });
      planted++;
      expect(await jobsOf(db).sweep()).to.equal(1);
      expect((await district.get(`/api/imports/${e}`)).body.status).to.equal('expired');
      ended.expired.push(e);
    }
        const all = Object.values(ended).flat();
    for (const id of all) after.push(await annotated(id));
    const left = await held({ ids: all });
    const others = await held({ except: kept });
    const files = importFilesOnDisk(t.config.dataDir);
    const keptHeld = await held({ ids: [kept] });
    const keptDownload = await annotated(kept);
    expect((await district.delete(`/api/imports/${kept}`)).status).to.equal(200);
    const keptAfter = await held({ ids: [kept] });
    const keptGone = await annotated(kept);

    const kb = (n: number) => `${Math.round(n / 1024).toLocaleString('en')} KiB`;
    figure(10, 'uploads swept',
      `${all.length} imports of ${ROWS.toLocaleString('en')} rows ended (${ended.committed.length} committed, ${ended.failed.length} failed: refused or interrupted, ${ended.discarded.length} discarded, ${ended.expired.length} expired past IMPORT_RETENTION_HOURS=${t.config.importRetentionHours}): ` +
      `${left.chunks} chunks / ${left.bytes} bytes left in import_chunks (each held up to ${kb(Math.max(...whileHeld))} while uncommitted), ${files.length} files under DATA_DIR/imports and DATA_DIR/tmp (${planted} old-version rows files planted there before the sweep); ` +
      `annotated workbook ${[...new Set(downloads)].join('/')} while uncommitted, ${[...new Set(after)].join('/')} once ended; an uncommitted import kept ${keptHeld.chunks} chunks and downloaded (${keptDownload}) until discarded, then ${keptAfter.chunks} chunks, ${keptGone}`);
    expect(left).to.deep.equal({ chunks: 0, bytes: 0 });
    expect(others).to.deep.equal({ chunks: 0, bytes: 0 });
    expect(files, files.join(', ')).to.deep.equal([]);
    expect(fs.existsSync(path.join(t.config.dataDir, 'tmp')), 'the parser folder was looked at').to.equal(true);
    expect([...new Set(downloads)]).to.deep.equal([200]);
    expect([...new Set(after)]).to.deep.equal([410]);
    expect(keptHeld.chunks).to.be.at.least(3);
    expect([keptDownload, keptAfter.chunks, keptGone]).to.deep.equal([200, 0, 410]);
  });

  it('errors capped and quota: > 1,000 row errors store 1,000 and the count of the rest; over IMPORT_QUOTA_MB is 429', async () => {
    const rows = surveyRows(ERROR_ROWS, { codePrefix: 'UX' });
    for (let i = 1; i < rows.length; i++) rows[i]![col('Số nhân khẩu')] = 'abc';
    const res = await uploadWorkbook(district, await workbookBuffer([{ name: 'Hộ', rows }]));
    const rec = await waitForImport(district, res.body.id, 600_000);
    expect(rec.status).to.equal('validated');
    const [stored] = await queryRows<{ stored: number; count: number; bytes: number }>(t.registry.deps.db, sql`select jsonb_array_length(errors)::int as stored, error_count::int as count, octet_length(errors::text)::int as bytes from imports where id = ${rec.id}`);
    const download = await district.get(`/api/imports/${rec.id}/annotated.xlsx`);
    expect(download.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(download.body);
    const noteColumn = surveyRows(1)[0]!.length + 1;
    const ws = wb.getWorksheet('Hộ')!;
    const marked = Array.from({ length: ERROR_ROWS }, (_, i) => String(ws.getCell(i + 2, noteColumn).value ?? '')).filter((v) => /Số nhân khẩu/.test(v)).length;
    expect((await district.delete(`/api/imports/${rec.id}`)).status).to.equal(200);

    // Incompressible padding: each file is ~0.6 MB, the quota 1 MB.
    const ward = await t.as('ward', '26764');
    const padding = Array.from({ length: 2000 }, () => [crypto.randomBytes(300).toString('base64')]);
    const big = async (prefix: string) => workbookBuffer([{ name: 'Hộ', rows: surveyRows(2, { wards: ['26764'], codePrefix: prefix }) }, { name: 'Ghi chú', rows: padding }]);
    const first = await uploadWorkbook(ward, await big('UQ1'));
    expect((await waitForImport(ward, first.body.id)).status).to.equal('validated');
    const secondFile = await big('UQ2');
    const second = await uploadWorkbook(ward, secondFile);
    expect((await ward.delete(`/api/imports/${first.body.id}`)).status).to.equal(200);
    const third = await uploadWorkbook(ward, await big('UQ3'));
    expect((await waitForImport(ward, third.body.id)).status).to.equal('validated');

    figure(10, 'stored errors and upload quota',
      `${ERROR_ROWS.toLocaleString('en')} invalid rows → ${stored!.stored.toLocaleString('en')} errors stored (${Math.round(stored!.bytes / 1024)} KiB) + ${(stored!.count - stored!.stored).toLocaleString('en')} counted, errorsTruncated ${rec.errorsTruncated}; annotated workbook marks ${marked.toLocaleString('en')} rows; ` +
      `IMPORT_QUOTA_MB=1: a second ${(secondFile.length / MiB).toFixed(1)} MB upload beside an uncommitted one → ${second.status} ${second.body?.error?.code ?? ''}, after discarding it → ${third.status}`);
    expect(stored).to.deep.include({ stored: 1000, count: ERROR_ROWS });
    expect(stored!.bytes).to.be.below(MiB);
    expect(rec.errorsTruncated).to.equal(true);
    expect(marked).to.equal(ERROR_ROWS);
    expect(second.status).to.equal(429);
    expect(second.body.error.code).to.equal('IMPORT_QUOTA_EXCEEDED');
    expect(third.status).to.equal(202);
    await ward.delete(`/api/imports/${third.body.id}`);
  });
});
