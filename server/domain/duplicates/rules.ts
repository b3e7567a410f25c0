/**
 * Pure rules of duplicate detection (issue 17). A social registry must not list one person twice: a health card or
 * a loan is paid per person, and the national population database treats one ID number as one person. So
 *  - an ID number (CCCD 12 digits / CMND 9 digits) belongs to one person of one active household: another active
 *    household holding it is a DUPLICATE_PERSON warning (the save goes through: the other record may be the stale one,
 *    and only the district can decide which — it resolves the pair on the duplicates page);
 *  - inside one household the same ID number twice is an error (two people cannot share it). The head is normally
 *    listed among the members too (relation "Chủ hộ"), so the head's number may appear once more in the member list.
 */
import type { ErrorDetail, Message } from '../../errors.ts';

export type DuplicateKind = 'id' | 'name';
export const DUPLICATE_KINDS: readonly DuplicateKind[] = ['id', 'name'];
export type Resolution = 'not_duplicate' | 'merged';
export const RESOLUTIONS: readonly Resolution[] = ['not_duplicate', 'merged'];

/** Where each ID number of a household sits (`headIdNumber`, `members.2.idNumber`); the head's own entry once. */
/** The ID numbers a household holds: its head's and its members' (members JSON as stored). */
export interface IdHolder {
  headIdNumber?: string | null;
  members?: readonly { idNumber?: string | null }[];
}

export function idNumbersOf(h: IdHolder): { idNumber: string; path: string }[] {
  const out: { idNumber: string; path: string }[] = [];
  if (h.headIdNumber) out.push({ idNumber: h.headIdNumber, path: 'headIdNumber' });
  (h.members ?? []).forEach((m, i) => {
    if (m.idNumber && m.idNumber !== h.headIdNumber) out.push({ idNumber: m.idNumber, path: `members.${i}.idNumber` });
  });
  return out;
}

/** The same ID number on two members of one household (the head's own member entry excepted, see above). */
export function sameIdInHouseholdProblems(h: IdHolder): ErrorDetail[] {
  const seen = new Map<string, number>();
  const problems: ErrorDetail[] = [];
  (h.members ?? []).forEach((m, i) => {
    if (!m.idNumber) return;
    const first = seen.get(m.idNumber);
    if (first === undefined) return void seen.set(m.idNumber, i);
    problems.push({
      path: `members.${i}.idNumber`,
      code: 'DUPLICATE_ID_NUMBER',
      message: {
        vi: `Số CMND/CCCD trùng với thành viên thứ ${first + 1} của cùng hộ; mỗi người có một số riêng`,
        en: `The ID number repeats member ${first + 1} of the same household; each person has their own number`,
      },
    });
  });
  return problems;
}

/** What a caller may learn of the other household: everything inside its scope, only the ward name outside. */
export interface OtherHousehold {
  wardCode: string;
  wardName: string;
  id?: string;
  householdCode?: string;
  headName?: string;
  address?: string;
}

export interface DuplicateWarning {
  code: 'DUPLICATE_PERSON';
  path: string;
  message: Message;
  household: OtherHousehold;
}

export function duplicatePersonWarning(path: string, other: OtherHousehold): DuplicateWarning {
  const where = other.householdCode ? `hộ ${other.householdCode} (${other.wardName})` : other.wardName;
  const whereEn = other.householdCode ? `household ${other.householdCode} (${other.wardName})` : other.wardName;
  return {
    code: 'DUPLICATE_PERSON',
    path,
    message: {
      vi: `Số CMND/CCCD này đã thuộc một người của ${where} đang hoạt động; đã lưu, quận sẽ xem xét trùng lặp`,
      en: `This ID number already belongs to a person of an active household in ${whereEn}; saved, the district will review the duplicate`,
    },
    household: other,
  };
}

/**
 * The ID of a pair as the API names it: kind and the two household ids in a fixed order, so the same pair always has
 * the same id whichever side it was found from, and a resolution can be remembered without storing every candidate.
 */
export function pairId(kind: DuplicateKind, a: string, b: string): string {
  const [x, y] = a < b ? [a, b] : [b, a];
  return `${kind}.${x}.${y}`;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const PAIR_ID_PATTERN = new RegExp(`^(id|name)\\.(${UUID})\\.(${UUID})$`);

export function parsePairId(id: string): { kind: DuplicateKind; a: string; b: string } | null {
  const m = PAIR_ID_PATTERN.exec(id.toLowerCase());
  if (!m || m[2]! >= m[3]!) return null;
  return { kind: m[1] as DuplicateKind, a: m[2]!, b: m[3]! };
}
