/**
 * The survey template: sheet "Hộ" with the Vietnamese headers, a "Nhân khẩu" sheet, instructions, and dropdowns
 * (ward codes of the user's scope, area, yes/no per indicator) limited to the template's rows — never whole columns,
 * which make exceljs and some spreadsheet programs expand them cell by cell. ID columns are formatted as text so
 * leading zeros survive.
 */
import type { DataValidation, Worksheet } from 'exceljs';
import { HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET_NAME, MEMBER_COLUMNS, MEMBER_SHEET_NAME, type ColumnDef, type IndicatorColumn } from './columns.ts';
import { neutraliseFormula } from '../xlsx-text.ts';

export const TEMPLATE_ROWS = 2000;
const LIST_SHEET = 'Danh mục';

const HOUSEHOLD_FIELDS = ['ward_code', 'household_code', 'head_name', 'head_id_number', 'address', 'area', 'members_count', 'round', 'income_month', 'income_year', 'floor_area', 'survey_date', 'surveyor'];

const INSTRUCTIONS = [
  'HƯỚNG DẪN NHẬP PHIẾU RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO',
  '',
  '1. Trang "Hộ": mỗi dòng là một hộ trong một năm rà soát. Khóa của hộ là Mã phường + Mã hộ; nhập lại cùng hộ và năm sẽ cập nhật, không tạo bản trùng.',
  '2. Cột bắt buộc: Mã phường, Mã hộ, Họ tên chủ hộ, Khu vực, Số nhân khẩu, Năm rà soát và MỘT trong hai cột thu nhập (theo tháng hoặc theo năm).',
  '3. Thu nhập ghi đầy đủ bằng chữ số, ví dụ 1.200.000 hoặc 1200000 (không ghi "1,2 triệu").',
  '4. Số CCCD/CMND ghi 9 hoặc 12 chữ số; cột đã định dạng Văn bản để giữ số 0 ở đầu.',
  '5. Cột chỉ số thiếu hụt: ghi x (hoặc có/1) nếu hộ thiếu hụt, để trống (hoặc không/0) nếu không.',
  '6. Ngày khảo sát: ngày Excel hoặc dd/mm/yyyy.',
  '7. Trang "Nhân khẩu" (không bắt buộc): mỗi dòng một thành viên, theo Mã phường + Mã hộ; nếu có, danh sách này thay danh sách thành viên đang lưu của hộ.',
  '8. Tải lên chỉ kiểm tra (chạy thử); dữ liệu chỉ được ghi khi bấm "Ghi vào sổ". Tệp có dòng lỗi có thể tải về bản đánh dấu lỗi.',
  '',
  'Headers may also be written as English codes (ward_code, household_code, head_name, …).',
];

function headerRow(ws: Worksheet, labels: string[]): void {
  const row = ws.getRow(1);
  labels.forEach((l, i) => {
    const c = row.getCell(i + 1);
    c.value = neutraliseFormula(l);
    c.font = { bold: true };
    c.alignment = { wrapText: true, vertical: 'middle' };
    ws.getColumn(i + 1).width = Math.min(40, Math.max(12, l.length + 2));
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

const colLetter = (n: number) => {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};

/** A dropdown on rows 2..TEMPLATE_ROWS+1 of one column (one range, never the whole column). */
function dropdown(ws: Worksheet, col: number, formula: string, prompt: string): void {
  const ref = `${colLetter(col)}2:${colLetter(col)}${TEMPLATE_ROWS + 1}`;
  (ws as unknown as { dataValidations: { add(ref: string, v: DataValidation): void } }).dataValidations.add(ref, {
    type: 'list',
    allowBlank: true,
    formulae: [formula],
    showErrorMessage: true,
    errorTitle: 'Giá trị không hợp lệ',
    error: prompt,
  });
}

function textColumn(ws: Worksheet, col: number): void {
  ws.getColumn(col).numFmt = '@';
}

export async function buildTemplate(opts: { wards: { code: string; name: string }[]; indicators: IndicatorColumn[] }): Promise<Buffer> {
  // exceljs is loaded on first use: it is the largest module of the API process (~5 % of its start-up, 18 MiB; issue 14).
  const { default: ExcelJS } = await import('./exceljs.ts');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Sổ hộ nghèo';
  const guide = wb.addWorksheet('Hướng dẫn');
  INSTRUCTIONS.forEach((line, i) => (guide.getCell(i + 1, 1).value = line));
  guide.getColumn(1).width = 120;
  guide.getCell(1, 1).font = { bold: true, size: 13 };

  const hh = wb.addWorksheet(HOUSEHOLD_SHEET_NAME);
  const labelOf = (cols: ColumnDef<string>[], key: string) => cols.find((c) => c.key === key)!.label;
  const labels = [...HOUSEHOLD_FIELDS.map((k) => labelOf(HOUSEHOLD_COLUMNS, k)), ...opts.indicators.map((i) => i.vi)];
  headerRow(hh, labels);
  const col = (key: string) => HOUSEHOLD_FIELDS.indexOf(key) + 1;
  for (const k of ['ward_code', 'household_code', 'head_id_number']) textColumn(hh, col(k));

  const lists = wb.addWorksheet(LIST_SHEET, { state: 'hidden' });
  lists.getCell(1, 1).value = 'Mã phường';
  lists.getCell(1, 2).value = 'Phường';
  opts.wards.forEach((w, i) => {
    lists.getCell(i + 2, 1).value = w.code;
    lists.getCell(i + 2, 2).value = neutraliseFormula(w.name);
  });
  const last = Math.max(2, opts.wards.length + 1);
  dropdown(hh, col('ward_code'), `'${LIST_SHEET}'!$A$2:$A$${last}`, 'Chọn mã phường trong danh sách');
  dropdown(hh, col('area'), '"Thành thị,Nông thôn"', 'Chọn Thành thị hoặc Nông thôn');
  opts.indicators.forEach((_, i) => dropdown(hh, HOUSEHOLD_FIELDS.length + i + 1, '"x,không"', 'Ghi x nếu thiếu hụt, để trống nếu không'));

  const members = wb.addWorksheet(MEMBER_SHEET_NAME);
  const memberKeys = ['ward_code', 'household_code', 'name', 'birth_year', 'sex', 'relation', 'id_number', 'has_health_insurance', 'in_school'];
  headerRow(members, memberKeys.map((k) => labelOf(MEMBER_COLUMNS, k)));
  for (const k of ['ward_code', 'household_code', 'id_number']) textColumn(members, memberKeys.indexOf(k) + 1);
  dropdown(members, 1, `'${LIST_SHEET}'!$A$2:$A$${last}`, 'Chọn mã phường trong danh sách');
  dropdown(members, memberKeys.indexOf('sex') + 1, '"Nam,Nữ"', 'Chọn Nam hoặc Nữ');
  dropdown(members, memberKeys.indexOf('has_health_insurance') + 1, '"x,không"', 'Ghi x nếu có thẻ BHYT');
  dropdown(members, memberKeys.indexOf('in_school') + 1, '"x,không"', 'Ghi x nếu đang đi học');

  return Buffer.from(await wb.xlsx.writeBuffer());
}
