/**
 * The rates report as the district's summary form (domain.md §5): STT · ward · total households, then for poor and
 * near-poor households start (as approved) / DTTS at the start / escaped / removed ("giảm khác") / fell back / new /
 * end / DTTS at the end, each as count and %, the moves, the unreviewed households and the approving decision of
 * each ward's list; urban/rural sections with subtotals when the district has both, and a district total row.
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

const REMOVED = 'Giảm khác (chuyển đi, chết, nhập hộ)';

/** Whether the report compares with another round than the previous one (the yearly form's default). */
export const compared = (r: { round: number; from: number | null }) => r.from !== null && r.from !== r.round - 1;

/**
 * The steps of each list. A report comparing two rounds further apart (issue 15) names them instead of "đầu năm" /
 * "cuối năm" (start / end of the year), which would be the previous round and this one.
 */
function listHeaders(r: { round: number; from: number | null }) {
  const [start, end] = compared(r) ? [`Năm ${r.from} (theo Quyết định đã phê duyệt)`, `Năm ${r.round}`] : ['Đầu năm (theo Quyết định đã phê duyệt)', 'Cuối năm'];
  const [dttsStart, dttsEnd] = compared(r) ? [`Trong đó DTTS năm ${r.from}`, `Trong đó DTTS năm ${r.round}`] : ['Trong đó DTTS đầu năm', 'Trong đó DTTS cuối năm'];
  return {
    poor: { title: 'Hộ nghèo', steps: [start, dttsStart, 'Thoát nghèo', REMOVED, 'Tái nghèo', 'Phát sinh mới', end, dttsEnd] },
    nearPoor: { title: 'Hộ cận nghèo', steps: [start, dttsStart, 'Thoát cận nghèo', REMOVED, 'Tái cận nghèo', 'Phát sinh mới', end, dttsEnd] },
  };
}
const MOVE_HEADERS = [
  'Từ nghèo sang cận nghèo',
  'Từ cận nghèo sang nghèo',
  'Tỷ lệ nghèo tăng (+) / giảm (−), điểm %',
  'Tỷ lệ cận nghèo tăng (+) / giảm (−), điểm %',
  'Hộ nghèo chưa rà soát',
  'Hộ cận nghèo chưa rà soát',
  'Quyết định phê duyệt danh sách',
];
export const NOT_APPROVED = 'chưa phê duyệt';

/** 1-based column → letters (1 → A, 27 → AA). */
const col = (n: number): string => (n > 26 ? col(Math.floor((n - 1) / 26)) : '') + String.fromCharCode(65 + ((n - 1) % 26));

export const HEADER_FIRST_ROW = 4;
export const HEADER_LAST_ROW = 6;
const BLOCK_COLS = 16;
const POOR_COL = 4; // D
const NEAR_POOR_COL = POOR_COL + BLOCK_COLS; // T
const MOVES_COL = NEAR_POOR_COL + BLOCK_COLS; // AJ
export const DECISION_COL = MOVES_COL + MOVE_HEADERS.length - 1; // AP
export const LAST_COL = DECISION_COL;

const text = (v: string) => neutraliseFormula(v);
const thin = { style: 'thin' as const };
const border = { top: thin, left: thin, bottom: thin, right: thin };
const PERCENT = '0.00';

function blockValues(b: RateBlock): (number | null)[] {
  return [
    b.start, b.startRate, b.minorityStart, b.minorityStartRate, b.escaped, b.escapedRate, b.removed, b.removedRate,
    b.fellBack, b.fellBackRate, b.new, b.newRate, b.end, b.rate, b.minorityEnd, b.minorityEndRate,
  ];
}

/** "125/QĐ-UBND ngày 22/12/2017", or "chưa phê duyệt" (a total: blank when all its wards are approved). */
function decisionText(r: RateRow): string {
  const a = r.approval;
  if (a.status === 'approved' && a.decisionNumber) {
    const [y, m, d] = (a.decisionDate ?? '').split('-');
    return `${a.decisionNumber}${y ? ` ngày ${d}/${m}/${y}` : ''}`;
  }
  if (r.area === null || r.code === 'urban' || r.code === 'rural') return a.status === 'approved' ? '' : NOT_APPROVED;
  return NOT_APPROVED;
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
    r.poor.unreviewed,
    r.nearPoor.unreviewed,
    text(decisionText(r)),
  ];
}

/** Percent columns (2 decimals): the odd columns of each list block, and the two change columns. */
const isPercentCol = (c: number) => (c >= POOR_COL && c < MOVES_COL && (c - POOR_COL) % 2 === 1) || c === MOVES_COL + 2 || c === MOVES_COL + 3;

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
  ws.columns = Array.from({ length: LAST_COL }, (_, i) => ({ width: i === 0 ? 5 : i === 1 ? 22 : i === 2 ? 10 : i === LAST_COL - 1 ? 24 : 8.5 }));
  const last = col(LAST_COL);

  // Title rows.
  ws.mergeCells(`A1:${last}1`);
  ws.mergeCells(`A2:${last}2`);
  const title = ws.getRow(1);
  const since = compared(report) ? ` SO VỚI NĂM ${report.from}` : '';
  title.getCell(1).value = text(`BẢNG TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM ${report.round}${since}`);
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
    const spec = listHeaders(report)[list];
    put(`${col(start)}${h1}:${col(start + BLOCK_COLS - 1)}${h1}`, spec.title);
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
    if (r === h2) row.height = 45;
    row.commit();
  }

  const writeRow = (values: (number | string | null)[], bold: boolean) => {
    const row = ws.addRow(values);
    for (let c = 1; c <= LAST_COL; c++) {
      const cell = row.getCell(c);
      cell.border = border;
      if (bold) cell.font = { bold: true };
      if (isPercentCol(c)) cell.numFmt = PERCENT;
      else if (c >= 3 && c < DECISION_COL) cell.numFmt = '#,##0';
    }
    row.commit();
  };
  if (report.sections.length > 0) {
    // The summary form's sections (domain.md §5): "I. Khu vực thành thị", "II. Khu vực nông thôn", each with a subtotal.
    let stt = 0;
    report.sections.forEach((section, k) => {
      const label = `${k === 0 ? 'I' : 'II'}. ${section.name}`;
      const sectionRow = ws.addRow([text(k === 0 ? 'I' : 'II'), text(label)]);
      sectionRow.font = { bold: true, italic: true };
      sectionRow.commit();
      for (const r of report.rows.filter((w) => w.area === section.area)) writeRow(rowValues(++stt, r), false);
      writeRow(rowValues('', { ...section, name: `Cộng ${section.name.toLowerCase()}` }), true);
    });
  } else {
    report.rows.forEach((r, i) => writeRow(rowValues(i + 1, r), false));
  }
  if (report.total) writeRow(rowValues('', { ...report.total, name: `Tổng cộng ${report.total.name}` }), true);

  // Notes: how the % are computed, the definitions, and which totals are missing (rates left blank, never guessed).
  const notes = [
    `Tỷ lệ (%) = số hộ ÷ tổng số hộ của phường trong năm × 100, làm tròn 2 chữ số thập phân; tỷ lệ ${compared(report) ? `năm ${report.from} tính trên tổng số hộ năm ${report.from}` : 'đầu năm tính trên tổng số hộ năm trước'}.`,
    'Cuối năm = Đầu năm − Thoát − Giảm khác + Tái + Phát sinh mới. "Giảm khác": hộ ra khỏi danh sách vì chuyển đi, chết/giải thể, nhập hộ — không tính là thoát nghèo. DTTS: chủ hộ là người dân tộc thiểu số.',
  ];
  const unapproved = report.rows.filter((r) => r.approval.status !== 'approved').map((r) => r.name);
  if (unapproved.length > 0) {
    notes.push(`Số liệu tổng hợp gồm ${unapproved.length} phường chưa phê duyệt danh sách năm ${report.round} (số liệu tạm thời): ${unapproved.join(', ')}.`);
  }
  const unreviewed = report.rows.filter((r) => r.flags.includes('UNREVIEWED')).map((r) => r.name);
  if (unreviewed.length > 0) notes.push(`Hộ chưa rà soát được giữ trong danh sách năm trước cho đến khi rà soát hoặc lưu trữ: ${unreviewed.join(', ')}.`);
  const missing = report.rows.filter((r) => r.flags.includes('TOTAL_MISSING')).map((r) => r.name);
  if (missing.length) notes.push(`Chưa có tổng số hộ năm ${report.round} (để trống tỷ lệ): ${missing.join(', ')}.`);
  notes.push(`Lập ngày ${meta.generatedAt.toISOString().slice(0, 10)} bởi ${meta.generatedBy}.`);
  ws.addRow([]).commit();
  for (const n of notes) ws.addRow([text(n)]).commit();
  ws.commit();
  await wb.commit();
}
