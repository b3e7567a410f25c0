/**
 * Synthetic survey workbooks in the import format (sheet "Hộ", template headers), written with exceljs' streaming
 * writer so 100k rows take ~200 MiB, not gigabytes. Used by the import tests and benchmarks.
 */
import ExcelJS from 'exceljs';
import { HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET_NAME, type FieldKey } from '../../server/domain/imports/columns.ts';
import { SEED_CRITERIA_SETS } from '../../server/domain/criteria/seed.ts';

export interface IndicatorHeader {
  code: string;
  vi: string;
}

/** Union of the shipped sets' indicators, city first (the columns of the default template). */
export function seedIndicators(): IndicatorHeader[] {
  const seen = new Map<string, IndicatorHeader>();
  const ordered = [...SEED_CRITERIA_SETS.filter((s) => s.standard === 'city'), ...SEED_CRITERIA_SETS.filter((s) => s.standard !== 'city')];
  for (const s of ordered) {
    for (const i of s.indicators) if (!seen.has(i.code)) seen.set(i.code, { code: i.code, vi: i.vi });
  }
  return [...seen.values()];
}

/** The household columns a generated workbook fills, in order. */
export const GENERATED_FIELDS: FieldKey[] = [
  'ward_code', 'household_code', 'head_name', 'head_id_number', 'address', 'area', 'members_count', 'round', 'income_month', 'floor_area', 'survey_date',
];

export function surveyHeaders(indicators: IndicatorHeader[] = seedIndicators(), fields: FieldKey[] = GENERATED_FIELDS): string[] {
  return [...fields.map((k) => HOUSEHOLD_COLUMNS.find((c) => c.key === k)!.label), ...indicators.map((i) => i.vi)];
}

export interface GeneratedOptions {
  /** Number of households; each gets one row per round. */
  households: number;
  rounds?: number[];
  wards?: string[];
  indicators?: IndicatorHeader[];
  /** Changes incomes deterministically (a "corrected" file updates only some rows). */
  variant?: number;
  codePrefix?: string;
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Võ', 'Đặng', 'Bùi', 'Đỗ'];
const GIVEN = ['Văn An', 'Thị Bình', 'Văn Cường', 'Thị Dung', 'Minh Đức', 'Thị Hoa', 'Quốc Huy', 'Thị Lan', 'Văn Nam', 'Thị Yến'];
const STREETS = ['Tô Ký', 'Lê Văn Khương', 'Nguyễn Ảnh Thủ', 'Hà Huy Giáp', 'Trường Chinh', 'Quang Trung'];

/** Row values of household `i` in `round` (deterministic), in GENERATED_FIELDS + indicator order. */
export function generatedRow(i: number, round: number, o: Required<Pick<GeneratedOptions, 'wards' | 'indicators' | 'variant' | 'codePrefix'>>): unknown[] {
  const h = (i * 2654435761 + round * 97 + o.variant * 13) >>> 0;
  const members = 1 + (h % 6);
  const income = 500_000 + ((h >>> 3) % 30) * 100_000 + o.variant * 1000 * (i % 7 === 0 ? 1 : 0);
  const marks = o.indicators.map((_, k) => ((h >>> (k % 24)) & 7) === 0 ? 'x' : '');
  return [
    o.wards[i % o.wards.length],
    `${o.codePrefix}${String(i).padStart(6, '0')}`,
    `${FAMILY[i % 10]} ${GIVEN[(i >> 3) % 10]}`,
    `079${String(100_000_000 + (i % 899_999_999)).padStart(9, '0')}`,
    `${1 + (i % 300)} ${STREETS[i % STREETS.length]}, KP${1 + (i % 5)}`,
    'Thành thị',
    members,
    round,
    income,
    members * (6 + (h % 10)),
    `${String(1 + (h % 28)).padStart(2, '0')}/10/${round}`,
    ...marks,
  ];
}

/** Streams a generated survey workbook to `file`: one header row, households × rounds data rows. */
export async function writeSurveyWorkbook(file: string, opts: GeneratedOptions): Promise<{ rows: number }> {
  const o = {
    rounds: opts.rounds ?? [2017],
    wards: opts.wards ?? ['26764', '26767', '26770', '26773', '26776', '26779', '26782', '26785', '26787', '26788', '26791'],
    indicators: opts.indicators ?? seedIndicators(),
    variant: opts.variant ?? 0,
    codePrefix: opts.codePrefix ?? 'H',
  };
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet(HOUSEHOLD_SHEET_NAME);
  ws.addRow(surveyHeaders(o.indicators)).commit();
  let rows = 0;
  for (let i = 0; i < opts.households; i++) {
    for (const round of o.rounds) {
      ws.addRow(generatedRow(i, round, o)).commit();
      rows++;
    }
  }
  ws.commit();
  await wb.commit();
  return { rows };
}
