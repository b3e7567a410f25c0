import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import ExcelJS from '../../server/domain/imports/exceljs.ts';
import { surveyRows, workbookBuffer, importFile, commitAndWait as commit } from '../support/workbooks.ts';

async function count(t: TestServer, table: 'households' | 'assessments' | 'audit_events'): Promise<number> {
  const [r] = await queryRows<{ n: number }>(t.registry.deps.db, sql.raw(`select count(*)::int as n from ${table}`));
  return r!.n;
}

describe('imports: template, dry run, commit, re-import', function () {
  this.timeout(120_000);
  let t: TestServer;
  let district: ApiClient;
  before(async () => {
    t = await startTestServer();
    district = await t.as('district');
  });
  after(async () => t?.close());

  it('the template has Vietnamese headers, instructions, a members sheet and row-limited dropdowns', async () => {
    const ward = await t.as('ward', '26767');
    const res = await ward.get('/api/imports/template.xlsx');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    expect(wb.worksheets.map((w) => w.name)).to.include.members(['Hướng dẫn', 'Hộ', 'Nhân khẩu']);
    const hh = wb.getWorksheet('Hộ')!;
    const headers = (hh.getRow(1).values as unknown[]).slice(1);
    expect(headers).to.include.members(['Mã phường', 'Mã hộ', 'Họ tên chủ hộ', 'Số CCCD/CMND', 'Năm rà soát', 'Nguồn nước sinh hoạt', 'Việc làm']);
    expect(hh.getColumn(headers.indexOf('Số CCCD/CMND') + 1).numFmt).to.equal('@');
    const lists = wb.getWorksheet('Danh mục')!;
    expect(lists.getCell('A2').value).to.equal('26767');
    expect(lists.getCell('A3').value).to.equal(null);
    // The template itself passes the import's own checks (no whole-column validation): an empty file validates.
    const imported = await importFile(ward, res.body);
    expect(imported.status, JSON.stringify(imported.failure)).to.equal('validated');
    expect(imported.summary.rows).to.equal(0);
  });

  it('a valid file validates as a dry run, then commits every row in one go', async () => {
    const before = await count(t, 'audit_events');
    const result = await importFile(district, await workbookBuffer([{ name: 'Hộ', rows: surveyRows(30) }]));
    expect(result.status, JSON.stringify(result.failure)).to.equal('validated');
    expect(result.summary).to.include({ rows: 30, valid: 30, invalid: 0 });
    expect(result.summary.households).to.deep.equal({ new: 30, updated: 0, unchanged: 0 });
    const cats = result.summary.categories;
    expect(cats.poor + cats.near_poor + cats.average + cats.not_poor).to.equal(30);
    expect(result.errors).to.deep.equal([]);
    expect(await count(t, 'households')).to.equal(0);

    const done = await commit(district, result.id);
    expect(done.status, JSON.stringify(done.failure)).to.equal('committed');
    expect(done.summary.assessments).to.deep.equal({ new: 30, updated: 0, unchanged: 0 });
    expect(await count(t, 'households')).to.equal(30);
    expect(await count(t, 'assessments')).to.equal(30);
    expect(await count(t, 'audit_events')).to.equal(before + 61);
    const [masks] = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from households where city_poor_mask = 4`);
    expect(masks!.n).to.equal(cats.poor);
  });

  it('importing the same file again changes nothing and writes no audit rows; a corrected file updates only what changed', async () => {
    const before = await count(t, 'audit_events');
    const again = await importFile(district, await workbookBuffer([{ name: 'Hộ', rows: surveyRows(30) }]));
    expect(again.summary.households).to.deep.equal({ new: 0, updated: 0, unchanged: 30 });
    expect(again.summary.assessments).to.deep.equal({ new: 0, updated: 0, unchanged: 30 });
    const done = await commit(district, again.id);
    expect(done.status).to.equal('committed');
    expect(await count(t, 'audit_events')).to.equal(before);

    const rows = surveyRows(30);
    rows[3]![8] = 4_321_000; // income of the third household
    rows[5]![4] = '5 Tô Ký, KP1'; // address of the fifth
    const corrected = await importFile(district, await workbookBuffer([{ name: 'Hộ', rows }]));
    expect(corrected.summary.households).to.deep.equal({ new: 0, updated: 1, unchanged: 29 });
    expect(corrected.summary.assessments).to.deep.equal({ new: 0, updated: 1, unchanged: 29 });
    await commit(district, corrected.id);
    expect(await count(t, 'audit_events')).to.equal(before + 3);
  });

  it('lists past imports with file name, SHA-256, counts and status', async () => {
    const res = await district.get('/api/imports');
    expect(res.status).to.equal(200);
    expect(res.body.meta.total).to.be.greaterThan(2);
    const item = res.body.data.find((i: any) => i.status === 'committed');
    expect(item.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(item.fileName).to.equal('phieu-ra-soat.xlsx');
    expect(item.summary.rows).to.equal(30);
  });
});
