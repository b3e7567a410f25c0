/**
 * The columns of the survey workbook and how a header row is recognised. Headers are compared with foldKey (case,
 * spaces, punctuation and diacritics ignored), so "Mã hộ", "MA HO", "ma_ho" and the English code "household_code"
 * all name the same column. The template writes the Vietnamese label of each column.
 */
import { foldKey } from '../text.ts';

export type FieldKey =
  | 'ward_code'
  | 'ward_name'
  | 'household_code'
  | 'head_name'
  | 'head_id_number'
  | 'address'
  | 'area'
  | 'members_count'
  | 'round'
  | 'income_month'
  | 'income_year'
  | 'floor_area'
  | 'survey_date'
  | 'surveyor'
  | 'ethnic_group';

export type MemberKey = 'ward_code' | 'household_code' | 'name' | 'birth_year' | 'sex' | 'relation' | 'id_number' | 'has_health_insurance' | 'in_school';

export interface ColumnDef<K extends string> {
  key: K;
  /** Header written by the template. */
  label: string;
  aliases: string[];
}

export const HOUSEHOLD_COLUMNS: ColumnDef<FieldKey>[] = [
  { key: 'ward_code', label: 'Mã phường', aliases: ['Mã phường/xã', 'Mã đơn vị', 'ward code'] },
  { key: 'ward_name', label: 'Phường', aliases: ['Tên phường', 'Phường/xã', 'ward'] },
  { key: 'household_code', label: 'Mã hộ', aliases: ['Mã số hộ', 'household code'] },
  { key: 'head_name', label: 'Họ tên chủ hộ', aliases: ['Họ và tên chủ hộ', 'Chủ hộ', 'Tên chủ hộ', 'head name'] },
  { key: 'head_id_number', label: 'Số CCCD/CMND', aliases: ['Số CCCD/CMND chủ hộ', 'CCCD/CMND', 'Số CCCD', 'Số CMND', 'CCCD', 'CMND', 'id number'] },
  { key: 'address', label: 'Địa chỉ', aliases: ['Địa chỉ thường trú', 'address'] },
  { key: 'area', label: 'Khu vực', aliases: ['Thành thị/Nông thôn', 'area'] },
  { key: 'members_count', label: 'Số nhân khẩu', aliases: ['Nhân khẩu', 'Số người', 'members'] },
  { key: 'round', label: 'Năm rà soát', aliases: ['Năm', 'Kỳ rà soát', 'round', 'year'] },
  { key: 'income_month', label: 'Thu nhập bình quân (đồng/người/tháng)', aliases: ['Thu nhập bình quân đồng/người/tháng', 'Thu nhập (đồng/người/tháng)', 'income per month'] },
  { key: 'income_year', label: 'Thu nhập bình quân (đồng/người/năm)', aliases: ['Thu nhập bình quân đồng/người/năm', 'Thu nhập (đồng/người/năm)', 'income per year'] },
  { key: 'floor_area', label: 'Diện tích nhà (m²)', aliases: ['Diện tích nhà m²', 'Diện tích nhà m2', 'Diện tích nhà', 'Diện tích nhà ở', 'floor area'] },
  { key: 'survey_date', label: 'Ngày khảo sát', aliases: ['Ngày điều tra', 'survey date'] },
  { key: 'surveyor', label: 'Người khảo sát', aliases: ['Điều tra viên', 'surveyor'] },
  // Optional (issue 12): the head's ethnic group; blank = Kinh for a new household, unchanged for a known one.
  { key: 'ethnic_group', label: 'Dân tộc', aliases: ['Dân tộc chủ hộ', 'ethnic group'] },
];

export const MEMBER_COLUMNS: ColumnDef<MemberKey>[] = [
  { key: 'ward_code', label: 'Mã phường', aliases: ['ward code'] },
  { key: 'household_code', label: 'Mã hộ', aliases: ['household code'] },
  { key: 'name', label: 'Họ tên', aliases: ['Họ và tên', 'Họ tên thành viên', 'member name'] },
  { key: 'birth_year', label: 'Năm sinh', aliases: ['birth year'] },
  { key: 'sex', label: 'Giới tính', aliases: ['sex'] },
  { key: 'relation', label: 'Quan hệ với chủ hộ', aliases: ['Quan hệ', 'relation'] },
  { key: 'id_number', label: 'Số CCCD/CMND', aliases: ['CCCD/CMND', 'Số CCCD', 'Số CMND', 'id number'] },
  { key: 'has_health_insurance', label: 'Có thẻ BHYT', aliases: ['BHYT', 'Thẻ BHYT', 'has health insurance'] },
  { key: 'in_school', label: 'Đang đi học', aliases: ['Đi học', 'in school'] },
];

export const REQUIRED_HOUSEHOLD: FieldKey[] = ['household_code', 'head_name', 'area', 'members_count', 'round'];
export const REQUIRED_MEMBER: MemberKey[] = ['ward_code', 'household_code', 'name', 'birth_year', 'sex'];

/** Sheet names (folded) that hold households and members; other sheets (instructions, lists) are ignored. */
export const HOUSEHOLD_SHEETS = new Set(['ho', 'hogiadinh', 'danhsachho', 'households']);
export const MEMBER_SHEETS = new Set(['nhankhau', 'thanhvien', 'members']);
export const HOUSEHOLD_SHEET_NAME = 'Hộ';
export const MEMBER_SHEET_NAME = 'Nhân khẩu';

/** An indicator column: header = its Vietnamese label, its English label or its code. */
export interface IndicatorColumn {
  code: string;
  vi: string;
  en: string;
}

export const indicatorKey = (code: string) => `ind:${code}`;

/** folded header → column key, for one sheet kind. */
export function headerDictionary(columns: ColumnDef<string>[], indicators: IndicatorColumn[] = []): Map<string, string> {
  const dict = new Map<string, string>();
  const add = (text: string, key: string) => {
    const k = foldKey(text);
    if (k && !dict.has(k)) dict.set(k, key);
  };
  for (const c of columns) {
    add(c.label, c.key);
    add(c.key, c.key);
    for (const a of c.aliases) add(a, c.key);
  }
  for (const i of indicators) {
    add(i.vi, indicatorKey(i.code));
    add(i.code, indicatorKey(i.code));
    add(i.en, indicatorKey(i.code));
  }
  return dict;
}

export interface HeaderMatch {
  /** Excel row number of the header row. */
  row: number;
  /** column number (1-based) → key */
  keys: Map<number, string>;
  /** column number → header text as written (for error reports). */
  titles: Map<number, string>;
}

/** How many header cells of a row name a known column; the header row is the best row among the first ten. */
export function matchHeader(rowNumber: number, cells: (string | null)[], dict: Map<string, string>): HeaderMatch {
  const keys = new Map<number, string>();
  const titles = new Map<number, string>();
  const seen = new Set<string>();
  cells.forEach((text, i) => {
    if (!text) return;
    const col = i + 1;
    titles.set(col, text);
    const key = dict.get(foldKey(text));
    // A column named twice: the first one counts, the second is reported as unknown by being ignored.
    if (key && !seen.has(key)) {
      seen.add(key);
      keys.set(col, key);
    }
  });
  return { row: rowNumber, keys, titles };
}

export function pickHeaderRow(candidates: HeaderMatch[], anchor: string): HeaderMatch | null {
  let best: HeaderMatch | null = null;
  for (const c of candidates) {
    if (![...c.keys.values()].includes(anchor) || c.keys.size < 3) continue;
    if (!best || c.keys.size > best.keys.size) best = c;
  }
  return best;
}

/** Label of a column key for messages about missing columns. */
export function labelOf(columns: ColumnDef<string>[], key: string): string {
  return columns.find((c) => c.key === key)?.label ?? key;
}
