/**
 * Reads a two-column sheet (ward code, total households) with exceljs' streaming reader, so a large or odd file
 * never sits in memory as a whole workbook (stack-notes: readFile of big sheets takes GiBs). A first row whose
 * count is not a number is taken as the header. Problems are reported per row, all at once.
 */
import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { errors, type ErrorDetail } from '../../errors.ts';
import type { TotalsImportRow } from './totals-service.ts';

/** More rows than any district has wards: stop early instead of walking a sheet that is something else. */
const MAX_ROWS = 2000;

/** The plain value of a cell as the streaming reader gives it (numbers, strings, rich text, formula results). */
function plain(v: ExcelJS.CellValue): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((p) => p.text).join('');
  if (typeof v === 'object' && 'result' in v) return plain(v.result as ExcelJS.CellValue);
  return String(v);
}

export function parseTotalsRow(rowNumber: number, codeCell: ExcelJS.CellValue, countCell: ExcelJS.CellValue, problems: ErrorDetail[]): TotalsImportRow | null {
  const rawCode = plain(codeCell);
  const rawCount = plain(countCell);
  if (rawCode === null && rawCount === null) return null;
  const code = String(rawCode ?? '').trim();
  const count = typeof rawCount === 'number' ? rawCount : Number(String(rawCount ?? '').replace(/[\s.,]/g, ''));
  let ok = true;
  if (!/^\d{5}$/.test(code)) {
    problems.push({ path: `A${rowNumber}`, code: 'INVALID_WARD_CODE', message: { vi: 'Mã phường phải có 5 chữ số', en: 'The ward code must have 5 digits' }, value: code });
    ok = false;
  }
  if (rawCount === null || String(rawCount).trim() === '' || !Number.isInteger(count) || count < 0) {
    problems.push({ path: `B${rowNumber}`, code: 'INVALID_TOTAL', message: { vi: 'Tổng số hộ phải là số nguyên không âm', en: 'The total must be a non-negative whole number' }, value: rawCount });
    ok = false;
  }
  return ok ? { row: rowNumber, wardCode: code, households: count } : null;
}

/** `input`: a file path (the CLI) or a stream (an upload held in memory: the sheet has one row per ward). */
export async function readTotalsSheet(input: string | Readable): Promise<TotalsImportRow[]> {
  // exceljs is loaded on first use: it is the largest module of the API process (~5 % of its start-up, 18 MiB; issue 14).
  const { default: Excel } = await import('exceljs');
  const reader = new Excel.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', entries: 'emit' });
  const rows: TotalsImportRow[] = [];
  const problems: ErrorDetail[] = [];
  let first = true;
  for await (const sheet of reader) {
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const [code, count] = [row.getCell(1).value, row.getCell(2).value];
      if (first) {
        first = false;
        const n = plain(count);
        if (n !== null && typeof n !== 'number' && !/^\s*\d[\d\s.,]*$/.test(String(n))) continue; // header row
      }
      if (row.number > MAX_ROWS) {
        problems.push({ path: `A${row.number}`, code: 'TOO_MANY_ROWS', message: { vi: `Tối đa ${MAX_ROWS} dòng`, en: `At most ${MAX_ROWS} rows` } });
        break;
      }
      const parsed = parseTotalsRow(row.number, code, count, problems);
      if (parsed) rows.push(parsed);
    }
    break; // only the first sheet
  }
  if (problems.length) throw errors.validation(problems, { vi: 'Tệp tổng số hộ có lỗi', en: 'The totals sheet has errors' });
  if (rows.length === 0) throw errors.validation([{ path: 'file', code: 'EMPTY', message: { vi: 'Tệp không có dòng dữ liệu', en: 'The sheet has no data rows' } }]);
  return rows;
}
