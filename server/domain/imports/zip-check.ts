/**
 * Checks an uploaded .xlsx (a zip) before exceljs sees it. exceljs expands whole-column data validation and huge
 * declared ranges cell by cell until the process dies (exceljs issues #1842, #2929, #1654, #412), and a zip can
 * declare small sizes and inflate to gigabytes. So: count the entries, inflate every entry counting the real bytes
 * (never trusting the declared sizes), check the compression ratio, and scan the sheet XML for row counts, declared
 * dimensions and data-validation ranges.
 */
import fs from 'node:fs';
import yauzl from 'yauzl';
import { failures, ImportFailureError } from './failures.ts';

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
  /** Inflated ÷ compressed above this, for entries over 1 MiB, is treated as a bomb. */
  maxRatio: number;
  maxRows: number;
  /** Data validation covering more rows than this (or a whole column) is refused. */
  maxValidationRows: number;
}

export const DEFAULT_LIMITS = { maxEntries: 2000, maxRatio: 200, maxRows: 200_000, maxValidationRows: 100_000 };

export interface ZipReport {
  entries: number;
  uncompressedBytes: number;
  /** <row> elements over all worksheets (title and header rows included): the progress denominator. */
  rows: number;
}

const SHEET = /^xl\/worksheets\/[^/]+\.xml$/;
/**
 * What exceljs' streaming reader takes for a worksheet (workbook-reader.js: an unanchored match, so
 * "x/xl/worksheets/sheet1.xml" or "xl/worksheets/sheet1.xml.bak" are read too). Such entries outside the place a
 * worksheet belongs are refused, and every entry exceljs may read is scanned (issue 13 item 7).
 */
const EXCELJS_SHEET = /xl\/worksheets\/sheet\d+[.]xml/;
const WORKSHEET_LIKE = /(^|\/)worksheets\/[^/]*\.xml/i;
const MAX_ROW_NUMBER = 1_048_576;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => (err ? reject(err) : resolve(zip))),
  );
}

/** Rows spanned by an A1 range ("A1:C10" → 10, "A:A" → whole column, "B5" → 1). */
function rowsSpanned(ref: string): number {
  const parts = ref.split(':');
  const rowOf = (a: string) => {
    const m = /^\$?[A-Z]*\$?(\d*)$/i.exec(a);
    if (!m) return NaN;
    return m[1] ? Number(m[1]) : NaN;
  };
  if (parts.length === 1) return 1;
  const a = rowOf(parts[0]!);
  const b = rowOf(parts[1]!);
  if (Number.isNaN(a) || Number.isNaN(b)) return MAX_ROW_NUMBER; // "A:A" — a whole column
  return Math.abs(b - a) + 1;
}

/** Scans one worksheet's XML as it streams by (a tail of the previous chunk catches tags split across chunks). */
class SheetScanner {
  rows = 0;
  private tail = '';
  constructor(private readonly limits: ZipLimits) {}

  push(chunk: Buffer): void {
    const text = this.tail + chunk.toString('latin1');
    const fresh = (m: RegExpExecArray) => m.index + m[0].length > this.tail.length;
    for (const m of text.matchAll(/<(?:\w+:)?row[\s>/]/g)) if (fresh(m)) this.rows++;
    for (const m of text.matchAll(/<(?:\w+:)?dimension\s+ref="([^"]+)"/g)) {
      if (fresh(m) && rowsSpanned(m[1]!) > this.limits.maxRows) throw new ImportFailureError(failures.tooManyRows(this.limits.maxRows));
    }
    for (const m of text.matchAll(/<(?:\w+:)?dataValidation\b[^>]*?\bsqref="([^"]+)"/g)) {
      if (!fresh(m)) continue;
      for (const ref of m[1]!.trim().split(/\s+/)) {
        if (rowsSpanned(ref) > this.limits.maxValidationRows) throw new ImportFailureError(failures.unsafeValidation());
      }
    }
    if (this.rows > this.limits.maxRows) throw new ImportFailureError(failures.tooManyRows(this.limits.maxRows));
    this.tail = text.slice(-512);
  }
}

/** Throws ImportFailureError with a specific code, or reports what the zip holds. */
export async function checkXlsxZip(file: string, limits: ZipLimits): Promise<ZipReport> {
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(4);
  try {
    fs.readSync(fd, magic, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (magic.readUInt32LE(0) !== 0x04034b50) throw new ImportFailureError(failures.notXlsx());

  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch {
    throw new ImportFailureError(failures.zipCorrupt());
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new ImportFailureError(failures.tooManyEntries(limits.maxEntries));
  }

  const report: ZipReport = { entries: 0, uncompressedBytes: 0, rows: 0 };
  let sawWorkbook = false;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      zip.close();
      reject(err instanceof ImportFailureError ? err : new ImportFailureError(/too many bytes|bytes in the stream/i.test(String((err as Error)?.message)) ? failures.zipBomb() : failures.zipCorrupt()));
    };
    zip.on('error', fail);
    zip.on('end', () => {
      if (settled) return;
      settled = true;
      resolve();
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      report.entries++;
      if (entry.fileName === 'xl/workbook.xml') sawWorkbook = true;
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      const sheetLike = EXCELJS_SHEET.test(entry.fileName) || WORKSHEET_LIKE.test(entry.fileName);
      if (sheetLike && !SHEET.test(entry.fileName)) return fail(new ImportFailureError(failures.misplacedSheet()));
      if (report.uncompressedBytes + entry.uncompressedSize > limits.maxUncompressedBytes) {
        return fail(new ImportFailureError(failures.tooLarge(Math.round(limits.maxUncompressedBytes / 1048576))));
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(err);
        const scanner = sheetLike ? new SheetScanner(limits) : null;
        let inflated = 0;
        stream.on('data', (chunk: Buffer) => {
          inflated += chunk.length;
          report.uncompressedBytes += chunk.length;
          try {
            if (report.uncompressedBytes > limits.maxUncompressedBytes) {
              throw new ImportFailureError(failures.tooLarge(Math.round(limits.maxUncompressedBytes / 1048576)));
            }
            if (inflated > 1048576 && inflated / Math.max(1, entry.compressedSize) > limits.maxRatio) throw new ImportFailureError(failures.zipBomb());
            scanner?.push(chunk);
          } catch (e) {
            stream.destroy();
            fail(e);
          }
        });
        stream.on('error', fail);
        stream.on('end', () => {
          if (scanner) report.rows += scanner.rows;
          if (report.rows > limits.maxRows) return fail(new ImportFailureError(failures.tooManyRows(limits.maxRows)));
          if (!settled) zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  if (!sawWorkbook) throw new ImportFailureError(failures.notXlsx());
  return report;
}
