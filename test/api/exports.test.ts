/**
 * rates.xlsx and households.xlsx opened back with exceljs: headers and merges, figures and percentages, print set-up,
 * text ID numbers, formula payloads neutralised, scope and audit.
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../server/db/schema.ts';
import { restoreNeutralised } from '../../server/domain/xlsx-text.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { FIXTURE_WARDS, loadReportFixture } from '../support/report-fixtures.ts';
import { uploadWorkbook, waitForImport } from '../support/workbooks.ts';

async function workbook(res: { status: number; headers: Headers; body: unknown }): Promise<ExcelJS.Workbook> {
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).to.equal(200);
  expect(res.headers.get('content-type')).to.match(/spreadsheetml/);
  expect(res.headers.get('content-disposition')).to.match(/^attachment; filename=".+\.xlsx"$/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body as unknown as ArrayBuffer);
  return wb;
}

const value = (ws: ExcelJS.Worksheet, addr: string) => ws.getCell(addr).value;

describe('exports: rates.xlsx and households.xlsx', function () {
  this.timeout(120_000);
  let t: TestServer;
  let district: ApiClient;
  let wardB: ApiClient;

  before(async () => {
    t = await startTestServer();
    await loadReportFixture(await t.as('district', null, 'fixture-loader'));
    district = await t.as('district', null, 'exporter');
    wardB = await t.as('ward', FIXTURE_WARDS.B);
  });
  after(async () => t?.close());

  describe('rates.xlsx (the summary form)', () => {
    let ws: ExcelJS.Worksheet;
    before(async () => {
      ws = (await workbook(await district.get('/api/reports/rates.xlsx?round=2017&standard=city'))).worksheets[0]!;
    });

    it('has a title with district, round and standard, and the two-level merged headers', () => {
      expect(value(ws, 'A1')).to.match(/NĂM 2017/);
      expect(value(ws, 'A2')).to.match(/Quận 12/).and.match(/Thành phố Hồ Chí Minh/);
      // Issue 12: start "as approved", DTTS at start and end, and "Giảm khác" in each list block; the decision column.
      const expected: Record<string, string> = {
        A4: 'STT', B4: 'Phường', C4: 'Tổng số hộ', D4: 'Hộ nghèo', T4: 'Hộ cận nghèo',
        D5: 'Đầu năm (theo Quyết định đã phê duyệt)', F5: 'Trong đó DTTS đầu năm', H5: 'Thoát nghèo', J5: 'Giảm khác (chuyển đi, chết, nhập hộ)',
        L5: 'Tái nghèo', N5: 'Phát sinh mới', P5: 'Cuối năm', R5: 'Trong đó DTTS cuối năm',
        X5: 'Thoát cận nghèo', Z5: 'Giảm khác (chuyển đi, chết, nhập hộ)', AB5: 'Tái cận nghèo', D6: 'Số hộ', E6: 'Tỷ lệ (%)', AI6: 'Tỷ lệ (%)',
        AN5: 'Hộ nghèo chưa rà soát', AP5: 'Quyết định phê duyệt danh sách',
      };
      for (const [addr, label] of Object.entries(expected)) expect(value(ws, addr), addr).to.equal(label);
      const merges = (ws.model as unknown as { merges: string[] }).merges;
      expect(merges).to.include.members(['A4:A6', 'B4:B6', 'C4:C6', 'D4:S4', 'T4:AI4', 'D5:E5', 'P5:Q5', 'AH5:AI5', 'AP5:AP6']);
    });

    it('is print-ready: A4 landscape, header rows repeated, panes frozen below the headers', () => {
      expect(ws.pageSetup.paperSize).to.equal(9);
      expect(ws.pageSetup.orientation).to.equal('landscape');
      expect(ws.pageSetup.printTitlesRow).to.equal('4:6');
      expect(ws.views[0]).to.deep.include({ state: 'frozen', ySplit: 6, xSplit: 3 });
    });

    it('has one row per ward with counts and percentages (2 decimals), and the district total', () => {
      // Row 7 = first ward (26764 = A): total 1200; poor start 3 (0.30 %), end 3 (0.25 %); near-poor escaped 1.
      const a = ws.getRow(7);
      expect(a.getCell(1).value).to.equal(1);
      expect(a.getCell(2).value).to.equal('Phường Thạnh Xuân');
      expect(a.getCell(3).value).to.equal(1200);
      expect([4, 5, 16, 17].map((c) => a.getCell(c).value)).to.deep.equal([3, 0.3, 3, 0.25]);
      expect(a.getCell(17).numFmt).to.equal('0.00');
      expect(a.getCell(24).value).to.equal(1); // near-poor escaped
      expect(a.getCell(42).value).to.equal('chưa phê duyệt'); // no decision recorded yet
      const total = ws.getRow(7 + 11);
      expect(total.getCell(2).value).to.equal('Tổng cộng Quận 12');
      expect(total.getCell(3).value).to.equal(10600);
      expect([4, 16, 17].map((c) => total.getCell(c).value)).to.deep.equal([4, 5, 0.05]);
      expect(total.getCell(38).value).to.equal(0.01); // poor-rate change, percentage points
    });

    it('leaves a missing total’s rates blank and says so in a note', async () => {
      const wb = await workbook(await district.get('/api/reports/rates.xlsx?round=2018&standard=city'));
      const sheet = wb.worksheets[0]!;
      const c = sheet.getRow(9); // third ward = C
      expect(c.getCell(1).value).to.equal(3);
      expect(c.getCell(3).value).to.equal(null);
      expect(c.getCell(17).value).to.equal(null);
      const notes: string[] = [];
      sheet.eachRow((row) => {
        const v = row.getCell(1).value;
        if (typeof v === 'string' && v.startsWith('Chưa có tổng số hộ')) notes.push(v);
      });
      expect(notes).to.have.length(1);
      expect(notes[0]).to.match(/Hiệp Thành/);
    });

    it('a ward user gets its own row and no district total; the export is audited', async () => {
      const sheet = (await workbook(await wardB.get('/api/reports/rates.xlsx?round=2017&standard=national'))).worksheets[0]!;
      expect(value(sheet, 'A2')).to.match(/Thạnh Lộc, Quận 12/).and.match(/59\/2015/);
      expect(sheet.getRow(7).getCell(2).value).to.equal('Phường Thạnh Lộc');
      expect(sheet.getRow(8).getCell(2).value ?? null).to.equal(null);
      const audits = await t.registry.deps.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'export'), eq(auditEvents.entity, 'rates_report')));
      expect(audits.map((a) => a.actorUsername)).to.include.members(['exporter']);
      const mine = audits.find((a) => a.wardCode === FIXTURE_WARDS.B)!;
      expect(mine.meta).to.deep.include({ round: 2017, standard: 'national', wards: [FIXTURE_WARDS.B] });
    });
  });

  describe('households.xlsx', () => {
    /** Rows of a sheet as { header → value }. */
    function records(ws: ExcelJS.Worksheet): Record<string, ExcelJS.Cell>[] {
      const headers = (ws.getRow(1).values as unknown[]).map((v) => (v == null ? '' : String(v)));
      const out: Record<string, ExcelJS.Cell>[] = [];
      ws.eachRow((row, n) => {
        if (n === 1) return;
        const r: Record<string, ExcelJS.Cell> = {};
        headers.forEach((h, c) => h && (r[h] = row.getCell(c)));
        out.push(r);
      });
      return out;
    }

    it('one row per household of the filter, with its classification; ID numbers as text; formulas neutralised', async () => {
      const wb = await workbook(await district.get('/api/households.xlsx?round=2017'));
      const ws = wb.getWorksheet('Hộ')!;
      const header = (ws.getRow(1).values as unknown[]).slice(1);
      expect(header.slice(0, 9)).to.deep.equal(['Mã phường', 'Phường', 'Mã hộ', 'Họ tên chủ hộ', 'Số CCCD/CMND', 'Địa chỉ', 'Khu vực', 'Số nhân khẩu', 'Năm rà soát']);
      expect(header).to.include.members(['Phân loại (chuẩn TP.HCM)', 'Phân loại (chuẩn quốc gia)', 'Trạng thái']);
      // Assessed in 2017 and active: A1 A2 A3 B1 B2 B3 C1 C2 (A4 is archived).
      const rows = records(ws);
      const byCode = new Map(rows.map((r) => [String(r['Mã hộ']!.value), r]));
      expect([...byCode.keys()]).to.deep.equal(['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'C1', 'C2']);
      const a1 = byCode.get('A1')!;
      expect(a1['Số CCCD/CMND']!.value).to.equal('079012345678');
      expect(a1['Số CCCD/CMND']!.type).to.equal(ExcelJS.ValueType.String);
      expect(a1['Năm rà soát']!.value).to.equal(2017);
      expect(a1['Phân loại (chuẩn TP.HCM)']!.value).to.equal('Hộ nghèo'); // 12 M/yr: city poor
      expect(a1['Phân loại (chuẩn quốc gia)']!.value).to.equal('Hộ cận nghèo'); // 1 M/month: national near-poor
      expect(a1['Thu nhập bình quân (đồng/người/năm)']!.value).to.equal(12_000_000);
      expect(a1['Khu vực']!.value).to.equal('Thành thị');
      expect(byCode.get('A2')!['Số CCCD/CMND']!.value).to.equal('001234567'); // leading zeros kept
      for (const [code, name] of [['A2', '=HYPERLINK("http://x","y")'], ['A3', '+84 Trần Thị Bình'], ['B2', '@SUM(A1)'], ['B3', '-2+3']]) {
        const cell = byCode.get(code)!['Họ tên chủ hộ']!;
        expect(cell.type, code).to.equal(ExcelJS.ValueType.String);
        expect(cell.value, code).to.equal(`'${name}`);
        expect(restoreNeutralised(cell.value as string)).to.equal(name);
      }
      const members = records(wb.getWorksheet('Nhân khẩu')!);
      expect(members).to.have.length(16);
      const head = members[0]!;
      expect(['Mã phường', 'Mã hộ', 'Họ tên', 'Năm sinh', 'Giới tính', 'Quan hệ với chủ hộ', 'Số CCCD/CMND', 'Có thẻ BHYT'].map((h) => head[h]!.value)).to.deep.equal(['26764', 'A1', 'Nguyễn Văn An', 1970, 'Nam', 'Chủ hộ', '079012345678', 'Có']);
      expect(members.filter((m) => String(m['Họ tên']!.value).startsWith("'=HYPERLINK"))).to.have.length(1);
    });

    it('same filters as the list: category, status=all (archived rows), latest assessment without a round', async () => {
      const poor = records((await workbook(await district.get('/api/households.xlsx?round=2017&standard=national&category=poor'))).worksheets[0]!);
      expect(poor.map((r) => r['Mã hộ']!.value)).to.deep.equal(['A2', 'B1']);
      const all = records((await workbook(await district.get('/api/households.xlsx?status=all'))).worksheets[0]!);
      expect(all).to.have.length(9);
      const a4 = all.find((r) => r['Mã hộ']!.value === 'A4')!;
      expect(a4['Trạng thái']!.value).to.equal('Đã lưu trữ');
      expect(a4['Năm rà soát']!.value).to.equal(2017); // its latest assessment
      expect(all[0]!['Năm rà soát']!.value).to.equal(2020);
    });

    it('an exported round re-imports unchanged (the survey import reads the same sheets and headers)', async () => {
      const res = await district.get('/api/households.xlsx?round=2019');
      expect(res.status).to.equal(200);
      const upload = await uploadWorkbook(district, res.body as Buffer, 'export-2019.xlsx');
      expect(upload.status, JSON.stringify(upload.body)).to.equal(202);
      const result = await waitForImport(district, upload.body.id);
      expect(result.summary, JSON.stringify(result.errors ?? result).slice(0, 800)).to.include({ rows: 8, valid: 8, invalid: 0 });
      expect(result.summary.households).to.deep.equal({ new: 0, updated: 0, unchanged: 8 });
      expect(result.summary.assessments).to.deep.equal({ new: 0, updated: 0, unchanged: 8 });
    });

    it('is scoped: a ward user exports its own ward; another ward is 404; paging keys are refused', async () => {
      const own = records((await workbook(await wardB.get('/api/households.xlsx'))).worksheets[0]!);
      expect(own.map((r) => r['Mã phường']!.value)).to.deep.equal([FIXTURE_WARDS.B, FIXTURE_WARDS.B, FIXTURE_WARDS.B]);
      const other = await wardB.get(`/api/households.xlsx?ward=${FIXTURE_WARDS.A}`);
      expect(other.status).to.equal(404);
      expect(other.body.error.code).to.equal('NOT_FOUND');
      expect((await district.get('/api/households.xlsx?page=2')).status).to.equal(400);
      const audits = await t.registry.deps.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'export'), eq(auditEvents.entity, 'households')));
      expect(audits.length).to.be.greaterThanOrEqual(4);
      expect(JSON.stringify(audits.map((a) => a.meta))).to.not.match(/Nguyễn|079012345678/);
    });
  });
});
