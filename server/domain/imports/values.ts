/**
 * Cell values as survey workbooks really hold them: text typed the Vietnamese way ("1.200.000 đ"), numbers that
 * were IDs, dates as Excel serials or dd/mm/yyyy text. Pure functions: each returns a value or a coded problem
 * with a vi/en message; nothing is guessed ("1,2 triệu" is refused, an ID that lost its leading zeros is flagged).
 */
import type { Message } from '../../errors.ts';
import { cleanText, fold } from '../text.ts';
import { restoreNeutralised } from '../xlsx-text.ts';
import { TEXT_MESSAGES, isLegacyEncoded, plainTextProblem } from '../text-safety.ts';

/** What a cell holds once exceljs' rich text, hyperlinks and formulas are reduced to a plain value. */
export type Raw = string | number | boolean | Date | null;

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: string; message: Message };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (code: string, vi: string, en: string): Parsed<never> => ({ ok: false, code, message: { vi, en } });

/** Plain value of an exceljs cell value; text is NFC, trimmed, and the formula guard apostrophe removed. */
export function rawOf(v: unknown): Raw | { error: string } {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    // Strip the export's guard apostrophe before cleaning: cleaning first would turn "'\t=1" into "' =1".
    const t = cleanText(restoreNeutralised(v.trimStart()));
    return t === '' ? null : t;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string; formula?: string };
    if (Array.isArray(o.richText)) return rawOf(o.richText.map((r) => r.text).join(''));
    if (o.error !== undefined) return { error: String(o.error) };
    if (o.formula !== undefined || 'result' in o) {
      // The streaming reader gives no result for a formula never calculated, and none (or NaN) for a cached error
      // value (#DIV/0!, #REF!…). Both are refused on their cell instead of being read as a blank (skipped) row.
      if (o.result === undefined || o.result === null) return { error: FORMULA_WITHOUT_VALUE };
      if (typeof o.result === 'number' && !Number.isFinite(o.result)) return { error: '#ERROR' };
      return rawOf(o.result);
    }
    if (o.text !== undefined) return rawOf(typeof o.text === 'object' ? o.text : String(o.text));
  }
  return null;
}

export function displayOf(raw: Raw): string {
  if (raw === null) return '';
  if (raw instanceof Date) return raw.toISOString().slice(0, 10);
  return String(raw);
}

export const FORMULA_WITHOUT_VALUE = 'FORMULA_WITHOUT_VALUE';

export function parseText(raw: Raw): Parsed<string | null> {
  if (raw === null) return ok(null);
  if (raw instanceof Date) return ok(raw.toISOString().slice(0, 10));
  const text = String(raw);
  // The API's rules (text-safety.ts): control/invisible characters, then text typed in a legacy font.
  const problem = plainTextProblem(text) ?? (isLegacyEncoded(text) ? { code: 'LEGACY_ENCODING' as const, message: TEXT_MESSAGES.LEGACY_ENCODING } : null);
  if (problem) return { ok: false, code: problem.code, message: problem.message };
  return ok(text);
}

/** Codes (ward, household): numbers become their integer digits; anything else must be text. */
export function parseCode(raw: Raw): Parsed<string | null> {
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw) || raw < 0) return bad('INVALID_CODE', 'Mã không hợp lệ', 'Invalid code');
    return ok(String(raw));
  }
  return parseText(raw);
}

/**
 * Citizen ID numbers (9-digit CMND or 12-digit CCCD). One typed into a number-formatted cell lost its leading zeros
 * ("079…" → 79…): that is flagged on the row, never padded back, because we cannot know how many zeros went.
 */
export function parseIdNumber(raw: Raw): Parsed<string | null> {
  if (raw === null) return ok(null);
  if (typeof raw === 'number') {
    const digits = Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : '';
    if (digits.length === 9 || digits.length === 12) return ok(digits);
    return bad(
      'ID_LEADING_ZEROS',
      'Số CCCD/CMND được lưu dạng số nên có thể đã mất số 0 ở đầu; hãy định dạng cột là Văn bản (Text) và nhập lại',
      'The ID number was stored as a number and may have lost its leading zeros; format the column as Text and re-enter it',
    );
  }
  const compact = String(raw).replace(/\s+/g, '');
  if (!/^(\d{9}|\d{12})$/.test(compact)) return bad('INVALID_ID_NUMBER', 'Số CCCD/CMND phải gồm 9 hoặc 12 chữ số', 'The ID number must have 9 or 12 digits');
  return ok(compact);
}

const UNIT_WORDS = /(triệu|trieu|tr\b|nghìn|nghin|ngàn|ngan|tỷ|ty\b|million|thousand|\d\s*k\b|\d\s*m\b)/i;
const CURRENCY = /\s*(vnđ|vnd|đồng|đ|dong)\s*$/i;
const AREA_UNIT = /\s*(m²|m2)\s*$/i;

/**
 * Numbers typed as text: "1.200.000", "1.200.000 đ", "1 200 000", "1,200,000", "45,5", "45.5".
 * When only one kind of separator appears, groups of exactly three digits mean thousands (Vietnamese dots or English
 * commas); otherwise it is the decimal mark. Words like "triệu" are refused rather than multiplied out.
 */
export function parseNumber(raw: Raw): Parsed<number | null> {
  if (raw === null) return ok(null);
  if (typeof raw === 'number') return ok(raw);
  if (typeof raw === 'boolean' || raw instanceof Date) return bad('NOT_A_NUMBER', 'Phải là số', 'Must be a number');
  let s = raw.trim().replace(CURRENCY, '').replace(AREA_UNIT, '');
  if (UNIT_WORDS.test(s)) {
    return bad(
      'NUMBER_WITH_UNIT_WORD',
      'Hãy ghi số đầy đủ bằng chữ số, ví dụ 1.200.000 (không dùng "triệu", "nghìn", "k")',
      'Write the full number in digits, e.g. 1.200.000 (no "triệu", "nghìn", "k" or "million")',
    );
  }
  s = s.replace(/[\s\u00a0\u202f]/g, '');
  const negative = s.startsWith('-');
  if (negative) s = s.slice(1);
  const dots = s.includes('.');
  const commas = s.includes(',');
  if (dots && commas) {
    // Both: the last one is the decimal mark ("1.200.000,5" or "1,200,000.5").
    const decimal = s.lastIndexOf(',') > s.lastIndexOf('.') ? ',' : '.';
    const group = decimal === ',' ? '.' : ',';
    const [intPart, frac, ...rest] = s.split(decimal);
    if (rest.length || !/^\d{1,3}([.,]\d{3})*$/.test(intPart!) || intPart!.includes(decimal)) return notANumber();
    s = intPart!.split(group).join('') + '.' + frac;
  } else if (dots || commas) {
    const sep = dots ? '.' : ',';
    const thousands = new RegExp(`^\\d{1,3}(\\${sep}\\d{3})+$`);
    if (thousands.test(s)) s = s.split(sep).join('');
    else if (s.split(sep).length === 2) s = s.replace(sep, '.');
    else return notANumber();
  }
  if (!/^\d+(\.\d+)?$/.test(s)) return notANumber();
  const n = Number(s);
  return Number.isFinite(n) ? ok(negative ? -n : n) : notANumber();
}

const notANumber = () => bad('NOT_A_NUMBER', 'Phải là số, ví dụ 1.200.000', 'Must be a number, e.g. 1.200.000');

/** Whole numbers (money, counts, years). */
export function parseInteger(raw: Raw): Parsed<number | null> {
  const n = parseNumber(raw);
  if (!n.ok || n.value === null) return n;
  if (!Number.isSafeInteger(n.value)) return bad('NOT_AN_INTEGER', 'Phải là số nguyên', 'Must be a whole number');
  return n;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

function isoDate(y: number, m: number, d: number): string | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Real Excel dates (serial numbers in the fast streaming mode, or Date objects) and dd/mm/yyyy text. */
export function parseDate(raw: Raw): Parsed<string | null> {
  if (raw === null) return ok(null);
  const badDate = () => bad('INVALID_DATE', 'Ngày không hợp lệ; hãy ghi dd/mm/yyyy, ví dụ 25/09/2017', 'Invalid date; write dd/mm/yyyy, e.g. 25/09/2017');
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? badDate() : ok(raw.toISOString().slice(0, 10));
  if (typeof raw === 'number') {
    // Serials from 1 (1900-01-01) to 2958465 (9999-12-31); the 1900 leap-year bug only shifts dates before March 1900.
    if (!(raw >= 1 && raw < 2958466)) return badDate();
    return ok(new Date(EXCEL_EPOCH_MS + Math.floor(raw) * DAY_MS).toISOString().slice(0, 10));
  }
  if (typeof raw !== 'string') return badDate();
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(raw);
  if (m) {
    const v = isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
    return v ? ok(v) : badDate();
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (m) {
    const v = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
    return v ? ok(v) : badDate();
  }
  return badDate();
}

const YES = new Set(['x', 'co', 'c', '1', 'true', 'yes', 'y', 'dung', 'thieu', '✓', '√']);
const NO = new Set(['', 'khong', 'k', 'ko', '0', 'false', 'no', 'n', 'sai', '-']);

/** Yes/no indicator cells: x / có / 1 / true / yes are "deprived"; blank / không / 0 / false / no are not. */
export function parseYesNo(raw: Raw): Parsed<boolean> {
  if (raw === null) return ok(false);
  if (typeof raw === 'boolean') return ok(raw);
  if (typeof raw === 'number') {
    if (raw === 1) return ok(true);
    if (raw === 0) return ok(false);
  }
  const f = fold(displayOf(raw));
  if (YES.has(f)) return ok(true);
  if (NO.has(f)) return ok(false);
  return bad('INVALID_CHOICE', 'Chỉ nhận: x / có / 1 (thiếu hụt) hoặc để trống / không / 0', 'Only x / có / yes / 1 (deprived) or blank / không / no / 0');
}

const URBAN = new Set(['thanh thi', 'thanhthi', 'tt', 'urban', 'noi thanh', 'do thi']);
const RURAL = new Set(['nong thon', 'nongthon', 'nt', 'rural', 'ngoai thanh']);

/** Area: "Thành thị" / "Nông thôn" matched without accents, case or spacing (and the English words). */
export function parseArea(raw: Raw): Parsed<'urban' | 'rural' | null> {
  if (raw === null) return ok(null);
  const f = fold(displayOf(raw)).replace(/[^a-z ]/g, '').trim();
  if (URBAN.has(f)) return ok('urban');
  if (RURAL.has(f)) return ok('rural');
  return bad('INVALID_CHOICE', 'Khu vực phải là "Thành thị" hoặc "Nông thôn"', 'Area must be "Thành thị" (urban) or "Nông thôn" (rural)');
}

/** Sex of a member: Nam/Nữ or male/female. */
export function parseSex(raw: Raw): Parsed<'male' | 'female' | null> {
  if (raw === null) return ok(null);
  const f = fold(displayOf(raw));
  if (['nam', 'male', 'm'].includes(f)) return ok('male');
  if (['nu', 'female', 'f'].includes(f)) return ok('female');
  return bad('INVALID_CHOICE', 'Giới tính phải là "Nam" hoặc "Nữ"', 'Sex must be "Nam" (male) or "Nữ" (female)');
}
