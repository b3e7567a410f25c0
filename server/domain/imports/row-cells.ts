/**
 * The cells of one spreadsheet row, as the row rules (row-rules.ts) see them: each mapped column's raw value parsed by
 * its column's parser (values.ts), cell-level errors (formula errors, unparsable values) on their column, and joi's
 * problems of a row put back on the column they came from.
 */
import type { ValidationError } from 'joi';
import type { Message } from '../../errors.ts';
import { joiDetails } from '../joi-messages.ts';
import { TEXT_MESSAGES } from '../text-safety.ts';
import type { ImportError } from './types.ts';
import { FORMULA_WITHOUT_VALUE, displayOf, parseArea, parseCode, parseDate, parseFact, parseIdNumber, parseInteger, parseNumber, parseSex, parseText, parseYesNo, type Parsed, type Raw } from './values.ts';

/** A row as read: column number → raw value, with the header text of each column. */
export interface SheetRow {
  sheet: string;
  row: number;
  cells: Map<number, Raw | { error: string }>;
}

export type ColumnMap = { keys: Map<number, string>; titles: Map<number, string> };

export const msg = (vi: string, en: string): Message => ({ vi, en });

const PARSERS: Record<string, (raw: Raw) => Parsed<unknown>> = {
  ward_code: parseCode,
  ward_name: parseText,
  household_code: parseCode,
  head_name: parseText,
  head_id_number: parseIdNumber,
  address: parseText,
  surveyor: parseText,
  area: parseArea,
  members_count: parseInteger,
  round: parseInteger,
  income_month: parseInteger,
  income_year: parseInteger,
  floor_area: parseNumber,
  survey_date: parseDate,
  name: parseText,
  birth_year: parseInteger,
  sex: parseSex,
  relation: parseText,
  id_number: parseIdNumber,
  has_health_insurance: parseFact,
  in_school: parseFact,
  ethnic_group: parseText,
};

interface MappedColumn {
  col: number;
  key: string;
  column: string;
  parse: ((raw: Raw) => Parsed<unknown>) | undefined;
}
/** `build(key)` computed once per key object (a header, a context) instead of once per row or cell. */
export function oncePer<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const built = new WeakMap<K, V>();
  return (key) => {
    if (!built.has(key)) built.set(key, build(key));
    return built.get(key)!;
  };
}

/** Each mapped column with its header and parser. */
const columnsOf = oncePer((map: ColumnMap): MappedColumn[] =>
  [...map.keys].map(([col, key]) => ({ col, key, column: map.titles.get(col) ?? key, parse: key.startsWith('ind:') ? parseYesNo : PARSERS[key] })),
);

/** Parses every mapped cell; blank rows give null (skipped silently). */
export function parseCells(r: SheetRow, map: ColumnMap, errors: ImportError[]): Record<string, unknown> | null {
  const values: Record<string, unknown> = {};
  let blank = true;
  for (const { col, key, column, parse } of columnsOf(map)) {
    const raw = r.cells.get(col) ?? null;
    if (raw !== null) blank = false;
    if (raw !== null && typeof raw === 'object' && 'error' in raw) {
      if (raw.error === FORMULA_WITHOUT_VALUE) {
        errors.push({ sheet: r.sheet, row: r.row, column, col, code: FORMULA_WITHOUT_VALUE, value: '', message: msg('Ô chứa công thức không có giá trị hợp lệ lưu sẵn (chưa tính, hoặc lỗi như #DIV/0!); hãy sửa, tính lại và lưu tệp (hoặc dán giá trị) rồi tải lên lại', 'The cell holds a formula with no valid saved value (never calculated, or an error such as #DIV/0!); fix it, recalculate and save the file (or paste values), then upload it again') });
      } else {
        errors.push({ sheet: r.sheet, row: r.row, column, col, code: 'CELL_ERROR', value: raw.error, message: msg(`Ô có lỗi công thức ${raw.error}`, `The cell holds the formula error ${raw.error}`) });
      }
      continue;
    }
    if (!parse) continue;
    const p = parse(raw as Raw);
    if (p.ok) values[key] = p.value;
    else errors.push({ sheet: r.sheet, row: r.row, column, col, code: p.code, value: displayOf(raw as Raw), message: p.message });
  }
  return blank ? null : values;
}

const FIELD_COLUMN: Record<string, string[]> = {
  wardCode: ['ward_code', 'ward_name'],
  householdCode: ['household_code'],
  headName: ['head_name'],
  headIdNumber: ['head_id_number'],
  address: ['address'],
  area: ['area'],
  membersCount: ['members_count'],
  round: ['round'],
  incomeAmount: ['income_month', 'income_year'],
  floorArea: ['floor_area'],
  surveyedAt: ['survey_date'],
  surveyor: ['surveyor'],
  ethnicGroup: ['ethnic_group'],
  name: ['name'],
  birthYear: ['birth_year'],
  sex: ['sex'],
  idNumber: ['id_number'],
};

/** Column number and header of the first mapped column for a field (null when the file has none). */
export function columnOf(map: ColumnMap, field: string): { col: number | null; column: string | null } {
  for (const key of FIELD_COLUMN[field] ?? [field]) {
    for (const [col, k] of map.keys) if (k === key) return { col, column: map.titles.get(col) ?? key };
  }
  return { col: null, column: null };
}

/** joi problems → row errors on their columns, skipping fields whose cell already failed to parse. */
export function joiErrors(error: ValidationError | undefined, r: SheetRow, map: ColumnMap, values: Record<string, unknown>, errors: ImportError[]): void {
  if (!error) return;
  const failedCols = new Set(errors.filter((e) => e.row === r.row && e.sheet === r.sheet).map((e) => e.col));
  for (const d of joiDetails(error)) {
    const field = d.path.split('.')[0]!;
    const { col, column } = columnOf(map, field);
    if (col !== null && failedCols.has(col)) continue;
    const code = field === 'round' && /number\.(min|max)/.test(d.code ?? '') ? 'ROUND_OUT_OF_RANGE' : d.code === 'any.required' ? 'REQUIRED' : d.code && d.code in TEXT_MESSAGES ? d.code : 'INVALID_VALUE';
    const value = (FIELD_COLUMN[field] ?? [field]).map((k) => values[k]).find((v) => v !== undefined && v !== null);
    errors.push({ sheet: r.sheet, row: r.row, column, col, code, value: value === undefined ? null : String(value), message: d.message });
  }
}
