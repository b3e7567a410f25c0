/**
 * The user's own workbook back with its errors: an "Lỗi / Errors" column on every sheet that had errors, the bad
 * cells filled red with a Vietnamese comment. Streams in and out (runs in the import child process), so a 100k-row
 * file never sits in memory; only the errors do.
 */
import fs from 'node:fs';
import type { CellValue, Row } from 'exceljs';
import ExcelJS from './exceljs.ts';
import { readNdjson } from './files.ts';
import type { SheetInfo } from './parse-workbook.ts';
import type { ImportError } from './types.ts';
import { neutraliseFormula } from '../xlsx-text.ts';
import { cleanText } from '../text.ts';

export interface AnnotateJob {
  file: string;
  errorsFile: string;
  /** Row warnings (issue 17): their text ("Cảnh báo: …") goes in the same column, after the errors. */
  warningsFile?: string;
  sheetsFile: string;
  out: string;
}

export const ERRORS_HEADER = 'Lỗi / Errors';
const BAD_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } } as const;

export async function annotateWorkbook(job: AnnotateJob): Promise<{ sheets: number }> {
  const bySheet = new Map<string, Map<number, ImportError[]>>();
  const all = async function* () {
    yield* readNdjson<ImportError>(job.errorsFile);
    if (job.warningsFile) yield* readNdjson<ImportError>(job.warningsFile);
  };
  for await (const e of all()) {
    const rows = bySheet.get(e.sheet) ?? new Map<number, ImportError[]>();
    rows.set(e.row, [...(rows.get(e.row) ?? []), e]);
    bySheet.set(e.sheet, rows);
  }
  const infos = new Map<string, SheetInfo>((JSON.parse(fs.readFileSync(job.sheetsFile, 'utf8')) as SheetInfo[]).map((s) => [s.name, s]));

  const tmp = `${job.out}.${process.pid}.tmp`;
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: fs.createWriteStream(tmp, { mode: 0o600 }), useStyles: true, useSharedStrings: false });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(job.file, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  let sheets = 0;
  for await (const ws of reader) {
    const name = (ws as unknown as { name?: string }).name ?? `Sheet${sheets + 1}`;
    sheets++;
    const out = writer.addWorksheet(name);
    const errs = bySheet.get(name);
    const info = infos.get(name);
    const errCol = errs ? (info?.lastColumn ?? 0) + 1 : null;
    const headerRow = info?.headerRow ?? 1;
    for await (const row of ws) {
      const o = out.getRow(row.number);
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        const c = o.getCell(col);
        c.value = safeCopy(cell.value);
        if (cell.numFmt) c.numFmt = cell.numFmt;
      });
      if (errCol !== null) annotateRow(o, row.number, headerRow, errCol, errs!.get(row.number));
      o.commit();
    }
    // Errors on rows the sheet no longer yields (none expected) still get their text.
    out.commit();
  }
  await writer.commit();
  fs.renameSync(tmp, job.out);
  return { sheets };
}

/**
 * The user's cells are copied as values, never as formulas (the import reads their cached results anyway), and text
 * goes through neutraliseFormula() like every text we write, so the copy runs nothing when opened or saved as CSV;
 * the importer strips that apostrophe again, so the annotated copy re-imports unchanged.
 */
function safeCopy(value: CellValue): CellValue {
  if (value !== null && typeof value === 'object') {
    if ('formula' in value || 'sharedFormula' in value) return safeCopy(((value as { result?: unknown }).result ?? null) as CellValue);
    if ('richText' in value) {
      const text = value.richText.map((r) => r.text).join('');
      return safeText(text) === text ? value : safeText(text);
    }
  }
  return typeof value === 'string' ? safeText(value) : value;
}

/** Text the importer would read as formula-like (after its own clean-up) is written clean and neutralised. */
function safeText(text: string): string {
  const clean = cleanText(text);
  return neutraliseFormula(clean) === clean ? text : neutraliseFormula(clean);
}

function annotateRow(o: Row, rowNumber: number, headerRow: number, errCol: number, errs: ImportError[] | undefined): void {
  if (rowNumber === headerRow) {
    const h = o.getCell(errCol);
    h.value = ERRORS_HEADER;
    h.font = { bold: true, color: { argb: 'FF9C0006' } };
  }
  if (!errs?.length) return;
  o.getCell(errCol).value = neutraliseFormula(errs.map((e) => (e.column ? `${e.column}: ${e.message.vi}` : e.message.vi)).join('; '));
  const byCol = new Map<number, ImportError[]>();
  for (const e of errs) if (e.col) byCol.set(e.col, [...(byCol.get(e.col) ?? []), e]);
  for (const [col, list] of byCol) {
    const c = o.getCell(col);
    c.fill = BAD_FILL;
    c.note = list.map((e) => e.message.vi).join('\n');
  }
}
