/**
 * The rates report as the district's summary form (domain.md §5): STT · ward · total households, then for poor and
 * near-poor households start / escaped / fell back / new / end, each as count and %, with a district total row.
 * Streamed (exceljs WorkbookWriter) to any writable; print-ready on A4 landscape with the header rows repeated.
 */
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { neutraliseFormula } from '../xlsx-text.ts';
import type { RateBlock, RateRow, Standard } from './rules.ts';
import type { RatesReport } from './service.ts';

export const STANDARD_LABEL: Record<Standard, string> = {
  city: 'Chuẩn nghèo của Thành phố Hồ Chí Minh giai đoạn 2016–2020',
  national: 'Chuẩn nghèo quốc gia giai đoạn 2016–2020 (Quyết định 59/2015/QĐ-TTg)',
};

const LIST_HEADERS = {
  poor: { title: 'Hộ nghèo', steps: ['Đầu năm', 'Thoát nghèo', 'Tái nghèo', 'Phát sinh mới', 'Cuối năm'] },
  nearPoor: { title: 'Hộ cận nghèo', steps: ['Đầu năm', 'Thoát cận nghèo', 'Tái cận nghèo', 'Phát sinh mới', 'Cuối năm'] },
};
const MOVE_HEADERS = ['Từ nghèo sang cận nghèo', 'Từ cận nghèo sang nghèo', 'Tỷ lệ nghèo tăng (+) / giảm (−), điểm %', 'Tỷ lệ cận nghèo tăng (+) / giảm (−), điểm %'];

/** 1-based column → letters (1 → A, 27 → AA). */
const col = (n: number): string => (n > 26 ? col(Math.floor((n - 1) / 26)) : '') + String.fromCharCode(65 + ((n - 1) % 26));

export const HEADER_FIRST_ROW = 4;
export const HEADER_LAST_ROW = 6;
const POOR_COL = 4; // D
const NEAR_POOR_COL = 14; // N
const MOVES_COL = 24; // X
export const LAST_COL = MOVES_COL + MOVE_HEADERS.length - 1; // AA

const text = (v: string) => neutraliseFormula(v);
const thin = { style: 'thin' as const };
const border = { top: thin, left: thin, bottom: thin, right: thin };
const PERCENT = '0.00';

function blockValues(b: RateBlock): (number | null)[] {
  return [b.start, b.startRate, b.escaped, b.escapedRate, b.fellBack, b.fellBackRate, b.new, b.newRate, b.end, b.rate];
}

function rowValues(stt: number | string, r: RateRow): (number | string | null)[] {
  return [
    typeof stt === 'string' ? text(stt) : stt,
    text(r.name),
    r.totalHouseholds,
    ...blockValues(r.poor),
    ...blockValues(r.nearPoor),
    r.moves.poorToNearPoor,
    r.moves.nearPoorToPoor,
    r.change.poorRatePp,
    r.change.nearPoorRatePp,
  ];
}

/** Percent columns (2 decimals): the odd columns of each list block, and the two change columns. */
const isPercentCol = (c: number) =>
  ((c >= POOR_COL && c < MOVES_COL && (c - POOR_COL) % 2 === 1) || c >= MOVES_COL + 2);

export interface RatesWorkbookMeta {
  /** Where the report was printed from, for the title (district, or "ward, district" for a ward user). */
  placeName: string;
  generatedAt: Date;
  generatedBy: string;
}

export async function writeRatesWorkbook(report: RatesReport, out: Writable, meta: RatesWorkbookMeta): Promise<void> {
  // exceljs is loaded on first use: it is the largest module of the API process (~5 % of its start-up, 18 MiB; issue 14).
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'So ho ngheo';
  wb.created = meta.generatedAt;
  const ws = wb.addWorksheet(`Năm ${report.round}`, {
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${HEADER_FIRST_ROW}:${HEADER_LAST_ROW}`,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    },
    views: [{ state: 'frozen', xSplit: 3, ySplit: HEADER_LAST_ROW }],
  });
  ws.columns = Array.from({ length: LAST_COL }, (_, i) => ({ width: i === 0 ? 5 : i === 1 ? 22 : i === 2 ? 10 : 8.5 }));
  const last = col(LAST_COL);

  // Title rows.
  ws.mergeCells(`A1:${last}1`);
  ws.mergeCells(`A2:${last}2`);
  const title = ws.getRow(1);
  title.getCell(1).value = text(`BẢNG TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM ${report.round}`);
  title.getCell(1).font = { bold: true, size: 14 };
  title.getCell(1).alignment = { horizontal: 'center' };
  title.commit();
  const subtitle = ws.getRow(2);
  subtitle.getCell(1).value = text(`${meta.placeName} — ${STANDARD_LABEL[report.standard]}`);
  subtitle.getCell(1).font = { italic: true };
  subtitle.getCell(1).alignment = { horizontal: 'center' };
  subtitle.commit();

  // Two-level headers: the group (STT, ward, total, poor, near-poor, moves), the step, then "Số hộ | Tỷ lệ (%)".
  const [h1, h2, h3] = [HEADER_FIRST_ROW, HEADER_FIRST_ROW + 1, HEADER_LAST_ROW];
  const headers = new Map<string, string>();
  const put = (range: string, value: string) => {
    ws.mergeCells(range);
    headers.set(range.split(':')[0]!, value);
  };
  put(`A${h1}:A${h3}`, 'STT');
  put(`B${h1}:B${h3}`, 'Phường');
  put(`C${h1}:C${h3}`, 'Tổng số hộ');
  for (const [list, start] of [['poor', POOR_COL], ['nearPoor', NEAR_POOR_COL]] as const) {
    const spec = LIST_HEADERS[list];
    put(`${col(start)}${h1}:${col(start + 9)}${h1}`, spec.title);
    spec.steps.forEach((step, i) => {
      const c = start + 2 * i;
      put(`${col(c)}${h2}:${col(c + 1)}${h2}`, step);
      headers.set(`${col(c)}${h3}`, 'Số hộ');
      headers.set(`${col(c + 1)}${h3}`, 'Tỷ lệ (%)');
    });
  }
  put(`${col(MOVES_COL)}${h1}:${last}${h1}`, 'Chuyển đổi và biến động');
  MOVE_HEADERS.forEach((label, i) => put(`${col(MOVES_COL + i)}${h2}:${col(MOVES_COL + i)}${h3}`, label));
  for (const r of [h1, h2, h3]) {
    const row = ws.getRow(r);
    for (let c = 1; c <= LAST_COL; c++) {
      const cell = row.getCell(c);
      const label = headers.get(`${col(c)}${r}`);
      if (label) cell.value = text(label);
      cell.font = { bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.border = border;
    }
    if (r === h2) row.height = 30;
    row.commit();
  }

  const writeRow = (values: (number | string | null)[], bold: boolean) => {
    const row = ws.addRow(values);
    for (let c = 1; c <= LAST_COL; c++) {
      const cell = row.getCell(c);
      cell.border = border;
      if (bold) cell.font = { bold: true };
      if (isPercentCol(c)) cell.numFmt = PERCENT;
      else if (c >= 3) cell.numFmt = '#,##0';
    }
    row.commit();
  };
  report.rows.forEach((r, i) => writeRow(rowValues(i + 1, r), false));
  if (report.total) writeRow(rowValues('', { ...report.total, name: `Tổng cộng ${report.total.name}` }), true);

  // Notes: how the % are computed, and which totals are missing (their rates are left blank, never guessed).
  const notes = [
    'Tỷ lệ (%) = số hộ ÷ tổng số hộ của phường trong năm × 100, làm tròn 2 chữ số thập phân; tỷ lệ đầu năm tính trên tổng số hộ năm trước.',
  ];
  const missing = report.rows.filter((r) => r.flags.includes('TOTAL_MISSING')).map((r) => r.name);
  if (missing.length) notes.push(`Chưa có tổng số hộ năm ${report.round} (để trống tỷ lệ): ${missing.join(', ')}.`);
  notes.push(`Lập ngày ${meta.generatedAt.toISOString().slice(0, 10)} bởi ${meta.generatedBy}.`);
  ws.addRow([]).commit();
  for (const n of notes) ws.addRow([text(n)]).commit();
  ws.commit();
  await wb.commit();
}
