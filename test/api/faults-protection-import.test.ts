/**
 * Issue 13 items 2, 7, 8 and issue 17 item 5 in the import (faults item 10, light variant): the data folder is
 * private, a worksheet moved inside the zip is refused, a household is written only with all its member rows valid,
 * and identity text is refused in the import exactly as in the API.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { configFor } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { openRegistry } from '../../server/bootstrap.ts';
import { exposedEntries } from '../../server/db/data-dir.ts';
import { ADMIN_PASSWORD, TEST_DATABASE_URL, freshPostgresDatabase, startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { col, minimalXlsx, surveyHeaders, surveyRows, waitForImport, workbookBuffer, importFile } from '../support/workbooks.ts';
import { FULL, figure } from '../support/faults.ts';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const MEMBER_HEADERS = ['Mã phường', 'Mã hộ', 'Họ tên', 'Năm sinh', 'Giới tính', 'Quan hệ với chủ hộ', 'Số CCCD/CMND', 'Có thẻ BHYT', 'Đang đi học'];

describe('faults · item 10: data protection (data folder, import)', function () {
  this.timeout(FULL ? 600_000 : 180_000);
  let t: TestServer;
  let district: ApiClient;
  before(async () => {
    t = await startTestServer();
    district = await t.as('district');
  });
  after(async () => t?.close());

  it('after a start, nothing under DATA_DIR is readable or writable by group or others; an open folder is tightened with one warning', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-private-'));
    fs.chmodSync(dataDir, 0o755);
    fs.mkdirSync(path.join(dataDir, 'imports', 'old'), { recursive: true, mode: 0o777 });
    fs.chmodSync(path.join(dataDir, 'imports', 'old'), 0o777);
    fs.writeFileSync(path.join(dataDir, 'imports', 'old', 'rows.ndjson'), '{}', { mode: 0o666 });
    fs.chmodSync(path.join(dataDir, 'imports', 'old', 'rows.ndjson'), 0o666);
    const before = exposedEntries(dataDir).length;
    let log = '';
    const logger = createLogger({ logLevel: 'info' }, new Writable({ write: (c, _e, done) => ((log += c), done()) }));
    const pg = TEST_DATABASE_URL ? await freshPostgresDatabase(TEST_DATABASE_URL) : null;
    const previousUmask = process.umask();
    try {
      const registry = await openRegistry(configFor({ DATA_DIR: dataDir, DATABASE_URL: pg?.url ?? '', ADMIN_PASSWORD, LOG_LEVEL: 'info' }), logger, { announce: () => {} });
      await registry.close();
      const files: string[] = [];
      const walk = (p: string) => (files.push(p), fs.statSync(p).isDirectory() && fs.readdirSync(p).forEach((n) => walk(path.join(p, n))));
      walk(dataDir);
      const exposed = exposedEntries(dataDir);
      const warnings = log.split('\n').filter((l) => l.includes('readable by other accounts'));
      figure(10, 'DATA_DIR modes after a start', `${before} group/other-accessible entries before, ${exposed.length} of ${files.length} after; ${warnings.length} warning`);
      expect(before).to.be.at.least(3);
      expect(exposed).to.deep.equal([]);
      // PGlite's own files were checked too; on a server only the app's own entries remain.
      expect(files.length).to.be.greaterThan(pg ? 1 : 100);
      // The old per-import folder (parsed rows with names and IDs) was swept at start (issue 13 item 3).
      expect(fs.existsSync(path.join(dataDir, 'imports', 'old', 'rows.ndjson'))).to.equal(false);
      expect(warnings).to.have.length(1);
    } finally {
      process.umask(previousUmask);
      await pg?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a worksheet moved elsewhere in the zip (which exceljs still reads) is refused before parsing', async () => {
    const wholeColumn = `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Mã hộ</t></is></c></row></sheetData><dataValidations count="1"><dataValidation type="list" sqref="A1:A1048576"><formula1>"a,b"</formula1></dataValidation></dataValidations></worksheet>`;
    const places = ['x/xl/worksheets/sheet1.xml', ...(FULL ? ['xl/worksheets/sheet1.xml.bak', 'a/b/xl/worksheets/sheet2.xml', 'xl/Worksheets/sheet1.xml'] : [])];
    const outcomes: string[] = [];
    for (const place of places) {
      const result = await importFile(district, minimalXlsx(wholeColumn, [], place));
      outcomes.push(`${place} → ${result.status} ${result.failure?.code}`);
      expect(result.status, place).to.equal('failed');
      expect(result.failure.code, place).to.equal('ZIP_MISPLACED_SHEET');
    }
    figure(10, 'renamed worksheet entry', outcomes.join('; '));
  });

  it('a household with an invalid member row is invalid as a whole, named by its code, and skip-invalid writes none of it', async () => {
    const rows = surveyRows(3, { codePrefix: 'MB' });
    rows[1]![col('Số nhân khẩu')] = 2; // MB000000: two members given
    rows[2]![col('Số nhân khẩu')] = 5; // MB000001: five declared, one given → a warning only
    const members = [
      MEMBER_HEADERS,
      ['26764', 'MB000000', 'Nguyễn Văn An', 1970, 'Nam', 'Chủ hộ', null, 'x', ''],
      ['26764', 'MB000000', 'Nguyễn Thị Bé', 'năm 2008', 'Nữ', 'Con', null, 'x', 'x'], // bad birth year
      ['26767', 'MB000001', 'Trần Văn Cư', 1965, 'Nam', 'Chủ hộ', null, 'x', ''],
    ];
    const result = await importFile(district, await workbookBuffer([{ name: 'Hộ', rows }, { name: 'Nhân khẩu', rows: members }]));
    expect(result.summary).to.include({ rows: 3, valid: 2, invalid: 1 });
    const invalid = result.errors.find((e: any) => e.code === 'MEMBERS_INVALID');
    expect(invalid).to.include({ sheet: 'Hộ', row: 2, value: 'MB000000', severity: 'error' });
    expect(invalid.message.vi).to.contain('MB000000').and.to.contain('3');
    expect(result.errors.find((e: any) => e.sheet === 'Nhân khẩu' && e.row === 3)).to.include({ column: 'Năm sinh' });
    const warning = result.errors.find((e: any) => e.code === 'MEMBERS_COUNT_MISMATCH');
    expect(warning).to.include({ row: 3, value: 'MB000001', severity: 'warning' });
    expect((await district.post(`/api/imports/${result.id}/commit`, { skipInvalid: true })).status).to.equal(202);
    expect((await waitForImport(district, result.id)).status).to.equal('committed');
    const written = await queryRows<{ code: string; members: unknown[] }>(t.registry.deps.db, sql`select household_code as code, members from households where household_code like 'MB%' order by 1`);
    figure(10, 'member row with a bad birth year', `household MB000000 refused as MEMBERS_INVALID (names the code and member row 3); ${written.length} of 3 households written, MB000000 ${written.some((w) => w.code === 'MB000000') ? 'WRITTEN' : 'not written'}; count mismatch reported as a warning`);
    expect(written.map((w) => w.code)).to.deep.equal(['MB000001', 'MB000002']);
    expect(written[0]!.members).to.have.length(1);
  });

  it('identity text in the import: zero-width, look-alike scripts, VNI/TCVN3 names and codes are row errors with the API codes', async () => {
    const rows = surveyRows(6, { codePrefix: 'TX' });
    const name = col('Họ tên chủ hộ');
    rows[1]![name] = 'Lê\u200B Văn Tám';
    rows[2]![name] = 'Nguy\u0435n Văn An';
    rows[3]![name] = 'Traàn Thò Bình';
    rows[4]![name] = 'TrÇn ThÞ B×nh';
    rows[5]![col('Mã hộ')] = '\u0410-001';
    const result = await importFile(district, await workbookBuffer([{ name: 'Hộ', rows }]));
    const codeAt = (row: number) => result.errors.filter((e: any) => e.row === row).map((e: any) => e.code);
    const expected: [number, string][] = [[2, 'INVALID_CHARACTERS'], [3, 'MIXED_SCRIPT'], [4, 'LEGACY_ENCODING'], [5, 'LEGACY_ENCODING'], [6, 'HOUSEHOLD_CODE']];
    for (const [row, code] of expected) expect(codeAt(row), `row ${row}`).to.include(code);
    expect(codeAt(7)).to.deep.equal([]);
    expect(result.errors.find((e: any) => e.code === 'LEGACY_ENCODING').message.vi).to.match(/Unicode/);
    expect(surveyHeaders()[name]).to.equal('Họ tên chủ hộ');
    figure(10, 'identity text (import)', expected.map(([row, code]) => `row ${row} ${code}`).join('; ') + '; row 7 valid');
  });
});
