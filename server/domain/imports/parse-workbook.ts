/**
 * Streams a survey workbook (exceljs WorkbookReader — the non-streaming reader takes 1.5 GiB for 100k rows, see
 * stack-notes) after the zip check, validates every row and writes the valid rows and all errors as NDJSON.
 * Runs in the parser child process (parse-worker.ts), never in the API process.
 */
import fs from 'node:fs';
import { foldKey } from '../text.ts';
import type { Member } from '../households/rules.ts';
import {
  HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEETS, MEMBER_COLUMNS, MEMBER_SHEETS, REQUIRED_HOUSEHOLD, REQUIRED_MEMBER,
  headerDictionary, indicatorKey, labelOf, matchHeader, pickHeaderRow, type HeaderMatch,
} from './columns.ts';
import { failures, ImportFailureError } from './failures.ts';
import { NdjsonWriter, readLines } from './files.ts';
import { householdErrors } from './household-errors.ts';
import { msg, parseCells, type SheetRow } from './row-cells.ts';
import { validateHouseholdRow, validateMemberRow, type RowContext } from './row-rules.ts';
import { householdKey, type ImportError, type ImportRow } from './types.ts';
import { displayOf, rawOf, type Raw } from './values.ts';
import { checkXlsxZip, type ZipLimits } from './zip-check.ts';
import { IdNumbersInFile } from './id-numbers.ts';
import ExcelJS from './exceljs.ts';

export interface ParseJob {
  file: string;
  rowsFile: string;
  errorsFile: string;
  sheetsFile: string;
  ctx: RowContext;
  limits: ZipLimits;
}

export interface SheetInfo {
  name: string;
  headerRow: number;
  lastColumn: number;
}

export interface ParseResult {
  processedRows: number;
  rows: number;
  valid: number;
  invalid: number;
  errorCount: number;
}

const HEADER_SEARCH_ROWS = 10;

function cellsOf(values: unknown): Map<number, Raw | { error: string }> {
  const cells = new Map<number, Raw | { error: string }>();
  if (!Array.isArray(values)) return cells;
  for (let i = 1; i < values.length; i++) {
    const v = rawOf(values[i]);
    if (v !== null) cells.set(i, v);
  }
  return cells;
}

function headerTexts(cells: Map<number, Raw | { error: string }>): (string | null)[] {
  const max = Math.max(0, ...cells.keys());
  const out: (string | null)[] = [];
  for (let c = 1; c <= Math.min(max, 500); c++) {
    const v = cells.get(c);
    out.push(v === undefined || (v !== null && typeof v === 'object' && 'error' in v) ? null : displayOf(v as Raw) || null);
  }
  return out;
}

function missingColumns(match: HeaderMatch, required: string[], columns: typeof HOUSEHOLD_COLUMNS | typeof MEMBER_COLUMNS, extra: string[] = []): string[] {
  const have = new Set(match.keys.values());
  return [...required.filter((k) => !have.has(k)).map((k) => labelOf(columns, k)), ...extra];
}

export async function parseWorkbook(job: ParseJob, onProgress: (processed: number, total: number | null) => void): Promise<ParseResult> {
  const zip = await checkXlsxZip(job.file, job.limits);
  const { ctx } = job;
  const householdDict = headerDictionary(HOUSEHOLD_COLUMNS, ctx.indicators);
  const memberDict = headerDictionary(MEMBER_COLUMNS);

  const tmpRows = job.rowsFile + '.tmp';
  const rowsOut = new NdjsonWriter(tmpRows);
  const errorsOut = new NdjsonWriter(job.errorsFile);
  const result: ParseResult = { processedRows: 0, rows: 0, valid: 0, invalid: 0, errorCount: 0 };
  const sheetInfos: SheetInfo[] = [];
  const seenKeys = new Set<string>();
  const lastValidIndex = new Map<string, number>();
  /** The household key of each row written to the temporary rows file, by line (the second pass parses few lines). */
  const rowKeys: string[] = [];
  const householdsSeen = new Set<string>();
  const invalidHouseholds = new Set<string>();
  const members = new Map<string, { list: Member[]; invalid: boolean; rows: { sheet: string; row: number }[] }>();
  let householdSheets = 0;
  let processed = 0;
  const idNumbers = new IdNumbersInFile();

  const emitErrors = async (errs: ImportError[]) => {
    for (const e of errs) await errorsOut.write(e);
    result.errorCount += errs.length;
  };

  const reader = new ExcelJS.stream.xlsx.WorkbookReader(job.file, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
  for await (const ws of reader) {
    const sheet = (ws as unknown as { name?: string }).name ?? 'Sheet';
    const folded = foldKey(sheet);
    const kind: 'households' | 'members' = MEMBER_SHEETS.has(folded) ? 'members' : 'households';
    const named = HOUSEHOLD_SHEETS.has(folded) || MEMBER_SHEETS.has(folded);
    const dict = kind === 'members' ? memberDict : householdDict;
    let header: HeaderMatch | null = null;
    let decided = false;
    const pending: SheetRow[] = [];
    const candidates: HeaderMatch[] = [];
    let info = null as SheetInfo | null;

    const handle = async (r: SheetRow) => {
      if (!header || r.row <= header.row) return;
      const errs: ImportError[] = [];
      const values = parseCells(r, header, errs);
      if (values === null) return; // blank rows are skipped silently
      if (kind === 'members') {
        const m = validateMemberRow(ctx, r, header, values, errs);
        const key = householdKey({ wardCode: String(values.ward_code ?? ''), householdCode: String(values.household_code ?? '') });
        const entry = members.get(key) ?? { list: [], invalid: false, rows: [] };
        entry.rows.push({ sheet, row: r.row });
        const sameId = idNumbers.check(m?.member.idNumber ?? (values.id_number as string | null), { sheet, row: r.row, key: m ? householdKey(m) : key, member: true }, header);
        if (sameId) errs.push(sameId);
        // A member row is valid only without any error: a cell that failed to parse (a bad birth year) leaves
        // validateMemberRow nothing new to report, yet the member must not be written without it (issue 13 item 8).
        if (m && errs.length === 0) entry.list.push(m.member);
        else entry.invalid = true;
        members.set(key, entry);
      } else {
        result.rows++;
        const row = validateHouseholdRow(ctx, r, header, values, errs);
        const dupKey = `${values.ward_code ?? values.ward_name ?? ''}|${values.household_code ?? ''}|${values.round ?? ''}`;
        if (values.household_code != null && values.round != null) {
          if (seenKeys.has(dupKey)) {
            const col = [...header.keys].find(([, k]) => k === 'household_code')?.[0] ?? null;
            errs.push({ sheet, row: r.row, column: col ? (header.titles.get(col) ?? null) : null, col, code: 'DUPLICATE_IN_FILE', value: String(values.household_code), message: msg('Hộ này đã có ở một dòng trước cho cùng năm rà soát', 'This household already appears on an earlier row for the same round') });
          }
          seenKeys.add(dupKey);
        }
        const idKey = row ? householdKey(row) : householdKey({ wardCode: String(values.ward_code ?? values.ward_name ?? ''), householdCode: String(values.household_code ?? '') });
        const sameId = idNumbers.check(row?.headIdNumber ?? (values.head_id_number as string | null), { sheet, row: r.row, key: idKey, member: false }, header);
        if (sameId) errs.push(sameId);
        if (row) householdsSeen.add(householdKey(row));
        else if (values.household_code != null) householdsSeen.add(householdKey({ wardCode: String(values.ward_code ?? ''), householdCode: String(values.household_code) }));
        // Any problem but a repeat of an earlier row makes the whole household invalid (its other rows too).
        if (values.household_code != null && errs.some((e) => e.code !== 'DUPLICATE_IN_FILE')) {
          invalidHouseholds.add(row ? householdKey(row) : householdKey({ wardCode: String(values.ward_code ?? ''), householdCode: String(values.household_code) }));
        }
        if (row && errs.length === 0) {
          const key = householdKey(row);
          lastValidIndex.set(key, rowsOut.count);
          rowKeys.push(key);
          await rowsOut.write(row);
          result.valid++;
        } else result.invalid++;
      }
      await emitErrors(errs);
    };

    const decide = async () => {
      decided = true;
      header = pickHeaderRow(candidates, 'household_code');
      if (!header) {
        if (kind === 'members' || named) throw new ImportFailureError(failures.noHouseholdSheet());
        return; // an instructions or list sheet
      }
      const h = header as HeaderMatch;
      info = { name: sheet, headerRow: h.row, lastColumn: Math.max(0, ...h.titles.keys()) };
      sheetInfos.push(info);
      if (kind === 'households') {
        householdSheets++;
        const have = new Set(h.keys.values());
        const extra: string[] = [];
        if (!have.has('ward_code') && !have.has('ward_name')) extra.push(labelOf(HOUSEHOLD_COLUMNS, 'ward_code'));
        if (!have.has('income_month') && !have.has('income_year')) extra.push(labelOf(HOUSEHOLD_COLUMNS, 'income_month'));
        for (const i of ctx.indicators) if (!have.has(indicatorKey(i.code))) extra.push(i.vi);
        const missing = missingColumns(h, REQUIRED_HOUSEHOLD, HOUSEHOLD_COLUMNS, extra);
        if (missing.length) throw new ImportFailureError(failures.missingColumns(missing));
      } else {
        const missing = missingColumns(h, REQUIRED_MEMBER, MEMBER_COLUMNS);
        if (missing.length) throw new ImportFailureError(failures.missingColumns(missing));
      }
      for (const r of pending) await handle(r);
      pending.length = 0;
    };

    for await (const row of ws) {
      processed++;
      if (processed % 1000 === 0) onProgress(processed, zip.rows);
      const r: SheetRow = { sheet, row: row.number, cells: cellsOf(row.values) };
      if (info && r.cells.size) info.lastColumn = Math.max(info.lastColumn, ...r.cells.keys());
      if (!decided) {
        if (r.row <= HEADER_SEARCH_ROWS) {
          candidates.push(matchHeader(r.row, headerTexts(r.cells), dict));
          pending.push(r);
          continue;
        }
        await decide();
      }
      if (header) await handle(r);
    }
    if (!decided) await decide();
  }
  onProgress(processed, zip.rows);
  result.processedRows = processed;
  fs.writeFileSync(job.sheetsFile, JSON.stringify(sheetInfos), { mode: 0o600 });
  await rowsOut.close();
  if (householdSheets === 0) throw new ImportFailureError(failures.noHouseholdSheet());

  // Members without a household row in the file are errors on their own rows.
  for (const [key, entry] of members) {
    if (householdsSeen.has(key)) continue;
    await emitErrors(entry.rows.map((p) => ({ ...p, column: null, col: null, code: 'MEMBER_WITHOUT_HOUSEHOLD', value: null, message: msg('Không có hộ tương ứng trong trang "Hộ"', 'No matching household on the "Hộ" sheet') })));
  }

  // Second pass: a household is written only when its rows and all its member rows are valid (issue 13 item 8);
  // mark each household's last valid row and attach its members. A row needing neither an error nor members only
  // gets its `final` flag appended to its JSON text, unparsed (most rows: issue 14, the pass re-parsed every row).
  const out = new NdjsonWriter(job.rowsFile);
  let index = 0;
  for await (const line of readLines(tmpRows)) {
    const key = rowKeys[index]!;
    const m = members.get(key);
    const final = lastValidIndex.get(key) === index;
    const rejected = m?.invalid || invalidHouseholds.has(key);
    if (!rejected && !(final && m)) await out.writeLine(`${line.slice(0, -1)},"final":${final}}`);
    else {
      const row = JSON.parse(line) as ImportRow;
      const at = { sheet: row.sheet ?? 'Hộ', row: row.sheetRow ?? 0, column: null, col: null, value: row.householdCode };
      if (rejected) {
        result.valid--;
        result.invalid++;
        await emitErrors([m?.invalid ? householdErrors.membersInvalid(at, m.rows) : householdErrors.otherRowInvalid(at)]);
      } else {
        const declared = row.facts.membersCount;
        if (m && declared !== undefined && declared !== m.list.length) await emitErrors([householdErrors.membersCountMismatch(at, declared, m.list.length)]);
        await out.write({ ...row, final, members: m!.list });
      }
    }
    index++;
  }
  await out.close();
  fs.rmSync(tmpRows, { force: true });
  return result;
}
