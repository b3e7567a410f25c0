/**
 * Pure rules for a household record: normalisation (names and addresses in Unicode NFC) and the checks the API and
 * the spreadsheet import share. Shapes and types are checked earlier (joi at the edge, row parsing in the import);
 * these are the domain rules on top, reported as ErrorDetails with vi/en messages and field paths.
 */
import type { ErrorDetail } from '../../errors.ts';
import type { Area } from '../criteria/types.ts';
import { cleanText, fold } from '../text.ts';
import { householdCodeProblem } from '../text-safety.ts';

export type Sex = 'male' | 'female';
export type HouseholdStatus = 'active' | 'archived';
export type ArchiveReason = 'moved' | 'merged' | 'dissolved' | 'deceased';
export const SEXES: readonly Sex[] = ['male', 'female'];
export const ARCHIVE_REASONS: readonly ArchiveReason[] = ['moved', 'merged', 'dissolved', 'deceased'];

export interface Member {
  name: string;
  birthYear: number;
  sex: Sex;
  relation: string;
  idNumber: string | null;
  /** null = not surveyed (unknown): derives nothing (domain.md §5b). */
  hasHealthInsurance: boolean | null;
  inSchool: boolean | null;
}

export interface HouseholdFields {
  wardCode: string;
  householdCode: string;
  address: string;
  area: Area;
  headName: string;
  headIdNumber: string | null;
  members: Member[];
  /** Ethnic group of the head (households/ethnic-groups.ts); Kinh when not given. */
  ethnicGroup?: string;
}

/** Citizen ID: 9 digits (old CMND) or 12 digits (CCCD), kept as a string so leading zeros survive. */
export const ID_NUMBER_PATTERN = /^(\d{9}|\d{12})$/;
/** Household codes: ASCII letters, digits, '-', '/', '.' (e.g. "KP3-0123"); defined with the other text rules. */
export { HOUSEHOLD_CODE_PATTERN } from '../text-safety.ts';
export const MIN_BIRTH_YEAR = 1900;

const idProblem = (path: string): ErrorDetail => ({
  path,
  code: 'ID_NUMBER',
  message: { vi: 'Số CMND/CCCD phải gồm 9 hoặc 12 chữ số', en: 'The ID number must have 9 or 12 digits' },
});

/** Empty ID numbers mean "not given"; anything else is trimmed of spaces (people type "079 123 456 789"). */
export function normalizeIdNumber(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const compact = value.normalize('NFC').replace(/\s+/g, '');
  return compact === '' ? null : compact;
}

export function normalizeMember(m: Member): Member {
  return {
    name: cleanText(m.name),
    birthYear: m.birthYear,
    sex: m.sex,
    relation: cleanText(m.relation ?? ''),
    idNumber: normalizeIdNumber(m.idNumber),
    hasHealthInsurance: m.hasHealthInsurance ?? null,
    inSchool: m.inSchool ?? null,
  };
}

/** NFC, trimmed, inner white space collapsed, IDs compacted; the shape stays the same. */
export function normalizeHousehold<T extends Partial<HouseholdFields>>(h: T): T {
  const out: Partial<HouseholdFields> = { ...h };
  if (h.wardCode !== undefined) out.wardCode = h.wardCode.trim();
  if (h.householdCode !== undefined) out.householdCode = cleanText(h.householdCode);
  if (h.address !== undefined) out.address = cleanText(h.address);
  if (h.headName !== undefined) out.headName = cleanText(h.headName);
  if (h.headIdNumber !== undefined) out.headIdNumber = normalizeIdNumber(h.headIdNumber);
  if (h.members !== undefined) out.members = h.members.map(normalizeMember);
  return out as T;
}

/** Domain checks on a normalised (possibly partial) household; `currentYear` bounds birth years. */
export function householdProblems(h: Partial<HouseholdFields>, currentYear: number, prefix = ''): ErrorDetail[] {
  const p = (path: string) => (prefix ? `${prefix}.${path}` : path);
  const problems: ErrorDetail[] = [];
  const codeProblem = h.householdCode !== undefined ? householdCodeProblem(h.householdCode) : null;
  if (codeProblem) problems.push({ path: p('householdCode'), code: codeProblem.code, message: codeProblem.message });
  if (h.headName !== undefined && h.headName === '') {
    problems.push({ path: p('headName'), code: 'string.empty', message: { vi: 'Không được để trống', en: 'must not be empty' } });
  }
  if (h.headIdNumber && !ID_NUMBER_PATTERN.test(h.headIdNumber)) problems.push(idProblem(p('headIdNumber')));
  (h.members ?? []).forEach((m, i) => {
    if (m.name === '') problems.push({ path: p(`members.${i}.name`), code: 'string.empty', message: { vi: 'Không được để trống', en: 'must not be empty' } });
    if (m.idNumber && !ID_NUMBER_PATTERN.test(m.idNumber)) problems.push(idProblem(p(`members.${i}.idNumber`)));
    if (!Number.isInteger(m.birthYear) || m.birthYear < MIN_BIRTH_YEAR || m.birthYear > currentYear) {
      problems.push({
        path: p(`members.${i}.birthYear`),
        code: 'BIRTH_YEAR',
        message: { vi: `Năm sinh phải từ ${MIN_BIRTH_YEAR} đến ${currentYear}`, en: `Birth year must be between ${MIN_BIRTH_YEAR} and ${currentYear}` },
      });
    }
  });
  return problems;
}

/**
 * What `households.search_text` holds: folded household code, head name, address and member names, in this order.
 * The code comes first and is ASCII (its folded length is its length), so the head name starts right after it: the
 * list's search ranking (repository.ts headNamePosition) reads the head name's part back by position.
 */
export function searchTextOf(h: Pick<HouseholdFields, 'headName' | 'householdCode' | 'address'> & { members?: Pick<Member, 'name'>[] }): string {
  return fold([h.householdCode, h.headName, h.address, ...(h.members ?? []).map((m) => m.name)].join(' '));
}

/** A search query folded the same way, so NFD input and missing accents still match. */
export function searchQueryOf(q: string): string {
  return fold(q);
}

// ── List paging (issue 14) ──────────────────────────────────────────────────────────────────────────────────
/** The sort key of a list row: pages continue after (or before) it. */
export interface PageKey {
  /** With a search: 0 when the head name matches, 1 when only another field does (head-name matches come first). */
  rank?: 0 | 1;
  wardCode: string;
  householdCode: string;
}

/**
 * The pager's cursor: `n.` (next page: rows after the key) or `p.` (previous page: rows before it) and the key as
 * base64url JSON (`[ward, code]`, or `[ward, code, rank]` in a search). Opaque to the client, which sends it back
 * with the page number it displays.
 */
export function encodeCursor(direction: 'next' | 'prev', key: PageKey): string {
  const k = key.rank === undefined ? [key.wardCode, key.householdCode] : [key.wardCode, key.householdCode, key.rank];
  return `${direction === 'next' ? 'n' : 'p'}.${Buffer.from(JSON.stringify(k)).toString('base64url')}`;
}

export function decodeCursor(cursor: string): { direction: 'next' | 'prev'; key: PageKey } | null {
  const m = /^([np])\.([A-Za-z0-9_-]{1,600})$/.exec(cursor);
  if (!m) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(m[2]!, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length < 2 || v.length > 3 || typeof v[0] !== 'string' || typeof v[1] !== 'string') return null;
    if (v.length === 3 && v[2] !== 0 && v[2] !== 1) return null;
    const key: PageKey = v.length === 3 ? { rank: v[2] as 0 | 1, wardCode: v[0], householdCode: v[1] } : { wardCode: v[0], householdCode: v[1] };
    return { direction: m[1] === 'n' ? 'next' : 'prev', key };
  } catch {
    return null;
  }
}
