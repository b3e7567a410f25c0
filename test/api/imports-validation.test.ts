import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import ExcelJS from '../../server/domain/imports/exceljs.ts';
import { col, seedIndicators, surveyRows, waitForImport, workbookBuffer, importFile } from '../support/workbooks.ts';

const errorAt = (result: any, row: number, code: string) => result.errors.find((e: any) => e.row === row && e.code === code);

describe('imports: headers, values, members, scope, annotated workbook', function () {
  this.timeout(120_000);
  let t: TestServer;
  let district: ApiClient;
  let bad: any;
  /** The annotated workbook of `bad`, fetched before its commit (a committed import keeps no files). */
  let annotated: { status: number; body: any };
  before(async () => {
    t = await startTestServer();
    district = await t.as('district');
  });
  after(async () => t?.close());

  it('finds headers without diacritics below a merged title, with English indicator codes and Vietnamese numbers', async () => {
    const headers = ['ma phuong', 'MA HO', 'ho ten chu ho', 'so cccd/cmnd', 'dia chi', 'khu vuc', 'so nhan khau', 'nam ra soat', 'thu nhap binh quan (dong/nguoi/thang)', 'dien tich nha m2', 'ngay khao sat', ...seedIndicators().map((i) => i.code)];
    const data = surveyRows(5).slice(1).map((r) => {
      const row = [...r];
      row[5] = 'thanh thi';
      row[8] = `${Number(row[8]).toLocaleString('de-DE')} đ`; // "1.100.000 đ"
      row[10] = new Date(Date.UTC(2017, 9, 15));
      return row;
    });
    const buf = await workbookBuffer([
      { name: 'Hướng dẫn', rows: [['Đọc kỹ trước khi nhập']] },
      { name: 'Danh sach ho', rows: [['DANH SÁCH HỘ RÀ SOÁT NĂM 2017'], [], headers, ...data], merges: ['A1:F1'] },
    ]);
    const result = await importFile(district, buf);
    expect(result.status, JSON.stringify(result.failure)).to.equal('validated');
    expect(result.errors).to.deep.equal([]);
    expect(result.summary).to.include({ rows: 5, valid: 5, invalid: 0 });
    const done = await district.post(`/api/imports/${result.id}/commit`, {});
    expect(done.status).to.equal(202);
    expect((await waitForImport(district, result.id)).status).to.equal('committed');
    const [a] = await queryRows<{ income_amount: number; surveyed_at: string }>(t.registry.deps.db, sql`select income_amount, surveyed_at from assessments a join households h on h.id = a.household_id where h.household_code = 'T000001'`);
    expect(a!.surveyed_at).to.equal('2017-10-15');
    expect(Number(a!.income_amount)).to.equal(Number(String(data[1]![8]).replace(/\D/g, '')));
  });

  it('reports every kind of bad value on its Excel row and column, and refuses a commit without skipInvalid', async () => {
    const rows = surveyRows(13, { codePrefix: 'B' });
    rows[1]![col('Số nhân khẩu')] = 'abc'; // Excel row 2
    rows[2]![col('Số CCCD/CMND')] = 79123456789; // row 3: lost its leading zero
    rows[3]![col('Mã phường')] = '99999'; // row 4
    rows[4]![col('Nguồn nước sinh hoạt')] = 'maybe'; // row 5
    rows[5]![col('Thu nhập bình quân (đồng/người/tháng)')] = null; // row 6
    rows[6]![col('Năm rà soát')] = 2030; // row 7
    rows[8] = [...rows[7]!]; // row 9 repeats row 8
    rows[9]![col('Thu nhập bình quân (đồng/người/tháng)')] = '1,2 triệu'; // row 10
    rows[10]![col('Thu nhập bình quân (đồng/người/tháng)')] = '1.200.000 đ'; // row 11: fine
    rows[11]![col('Ngày khảo sát')] = '31/02/2017'; // row 12
    rows[12] = []; // row 13: blank, skipped
    bad = await importFile(district, await workbookBuffer([{ name: 'Hộ', rows }]));
    expect(bad.status).to.equal('validated');
    expect(bad.summary).to.include({ rows: 12, valid: 3, invalid: 9 });
    expect(errorAt(bad, 2, 'NOT_A_NUMBER')).to.include({ sheet: 'Hộ', column: 'Số nhân khẩu', value: 'abc' });
    expect(errorAt(bad, 3, 'ID_LEADING_ZEROS')).to.include({ column: 'Số CCCD/CMND', value: '79123456789' });
    expect(errorAt(bad, 4, 'UNKNOWN_WARD')).to.include({ column: 'Mã phường', value: '99999' });
    expect(errorAt(bad, 5, 'INVALID_CHOICE')).to.include({ column: 'Nguồn nước sinh hoạt', value: 'maybe' });
    expect(errorAt(bad, 6, 'MISSING_INCOME')).to.include({ column: 'Thu nhập bình quân (đồng/người/tháng)' });
    expect(errorAt(bad, 7, 'ROUND_OUT_OF_RANGE')).to.include({ column: 'Năm rà soát', value: '2030' });
    expect(errorAt(bad, 9, 'DUPLICATE_IN_FILE')).to.include({ column: 'Mã hộ' });
    expect(errorAt(bad, 8, 'DUPLICATE_IN_FILE')).to.equal(undefined);
    const unit = errorAt(bad, 10, 'NUMBER_WITH_UNIT_WORD');
    expect(unit.message.vi).to.match(/1\.200\.000/);
    expect(unit.message.en).to.match(/full number/);
    expect(bad.errors.filter((e: any) => e.row === 11)).to.deep.equal([]);
    expect(errorAt(bad, 12, 'INVALID_DATE')).to.include({ column: 'Ngày khảo sát' });
    expect(bad.errors.filter((e: any) => e.row === 13)).to.deep.equal([]);

    const refused = await district.post(`/api/imports/${bad.id}/commit`, {});
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('INVALID_ROWS');
    const before = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from households where household_code like 'B%'`);
    expect(before[0]!.n).to.equal(0);
    annotated = await district.get(`/api/imports/${bad.id}/annotated.xlsx`);
    expect((await district.post(`/api/imports/${bad.id}/commit`, { skipInvalid: true })).status).to.equal(202);
    expect((await waitForImport(district, bad.id)).status).to.equal('committed');
    const after = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from households where household_code like 'B%'`);
    expect(after[0]!.n).to.equal(3);
  });

  it('hands back the workbook with an errors column and the bad cells commented in Vietnamese', async () => {
    const res = annotated;
    expect(res.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.getWorksheet('Hộ')!;
    const errCol = surveyRows(1)[0]!.length + 1;
    expect(ws.getCell(1, errCol).value).to.equal('Lỗi / Errors');
    expect(String(ws.getCell(2, errCol).value)).to.match(/Số nhân khẩu: Phải là số/);
    expect(ws.getCell(3, errCol).value).to.match(/số 0 ở đầu/);
    expect(ws.getCell(11, errCol).value).to.equal(null);
    const badCell = ws.getCell(2, col('Số nhân khẩu') + 1);
    expect(badCell.value).to.equal('abc');
    expect(JSON.stringify(badCell.note)).to.match(/Phải là số/);
    expect((badCell.fill as any)?.fgColor?.argb).to.equal('FFFFC7CE');
    expect(ws.getCell(2, 2).value).to.equal('B000000');
  });

  it('applies the optional "Nhân khẩu" sheet: members replace the list and feed the derived flags', async () => {
    const members = [
      ['Mã phường', 'Mã hộ', 'Họ tên', 'Năm sinh', 'Giới tính', 'Quan hệ với chủ hộ', 'Số CCCD/CMND', 'Có thẻ BHYT', 'Đang đi học'],
      ['26764', 'M000000', 'Nguyễn Văn An', 1970, 'Nam', 'Chủ hộ', '079170000001', 'x', ''],
      ['26764', 'M000000', 'Nguyễn Thị Bé', 2008, 'nu', 'Con', null, 'không', 'x'],
      ['26764', 'M999999', 'Không Có Hộ', 1990, 'Nam', 'Chủ hộ', null, 'x', ''],
    ];
    const result = await importFile(district, await workbookBuffer([{ name: 'Hộ', rows: surveyRows(2, { codePrefix: 'M' }) }, { name: 'Nhân khẩu', rows: members }]));
    expect(result.summary).to.include({ rows: 2, valid: 2 });
    expect(result.errors.filter((e: any) => e.severity !== 'warning').map((e: any) => [e.sheet, e.row, e.code])).to.deep.equal([['Nhân khẩu', 4, 'MEMBER_WITHOUT_HOUSEHOLD']]);
    await district.post(`/api/imports/${result.id}/commit`, {});
    await waitForImport(district, result.id);
    const [h] = await queryRows<{ members: any[]; deprivations: string[] }>(
      t.registry.deps.db,
      sql`select h.members, a.deprivations from households h join assessments a on a.household_id = h.id where h.household_code = 'M000000'`,
    );
    expect(h!.members.map((m) => m.name)).to.deep.equal(['Nguyễn Văn An', 'Nguyễn Thị Bé']);
    expect(h!.members[1].sex).to.equal('female');
    expect(h!.deprivations).to.include('health_insurance');
  });

  it("a ward officer's rows for another ward are OUT_OF_SCOPE, and other wards cannot see the import", async () => {
    const ward = await t.as('ward', '26764');
    const result = await importFile(ward, await workbookBuffer([{ name: 'Hộ', rows: surveyRows(4, { codePrefix: 'W', wards: ['26764', '26767'] }) }]));
    expect(result.summary).to.include({ rows: 4, valid: 2, invalid: 2 });
    expect(result.errors.map((e: any) => [e.row, e.code, e.value])).to.deep.equal([
      [3, 'OUT_OF_SCOPE', '26767'],
      [5, 'OUT_OF_SCOPE', '26767'],
    ]);
    const other = await t.as('ward', '26767');
    expect((await other.get(`/api/imports/${result.id}`)).status).to.equal(404);
    expect((await other.post(`/api/imports/${result.id}/commit`, { skipInvalid: true })).status).to.equal(404);
    expect((await other.get('/api/imports')).body.meta.total).to.equal(0);
    expect((await district.get(`/api/imports/${result.id}`)).status).to.equal(200);
  });
});
