/**
 * Pure rules of the official record (domain.md §1, §4): the status cycle of a ward's list per round, and which list a
 * household is on in a round once archives, unreviewed households and approvals are taken into account.
 */
import { AppError, type ErrorDetail, type Message } from '../../errors.ts';

export type RoundStatus = 'open' | 'submitted' | 'approved';
export const ROUND_STATUSES: readonly RoundStatus[] = ['open', 'submitted', 'approved'];
export type RoundAction = 'submit' | 'approve' | 'reopen';

const m = (vi: string, en: string): Message => ({ vi, en });

/** 409 ROUND_APPROVED: the ward's list for this round is approved by a decision and frozen (domain.md §1). */
export function roundApproved(wardCode: string, round: number, decisionNumber: string | null = null): AppError {
  const decision = decisionNumber ? ` (${decisionNumber})` : '';
  return new AppError(
    'ROUND_APPROVED',
    409,
    m(
      `Danh sách kỳ ${round} của phường ${wardCode} đã được phê duyệt${decision}; không thể thay đổi. Đề nghị quận mở lại kỳ nếu cần điều chỉnh.`,
      `The round ${round} list of ward ${wardCode} is approved${decision} and frozen; ask the district to reopen the round to correct it.`,
    ),
    [{ path: 'round', code: 'ROUND_APPROVED', value: round, message: m('Kỳ đã phê duyệt', 'round approved') }],
  );
}

/** Which statuses each action starts from: open → submitted → approved; reopen from submitted or approved. */
const FROM: Record<RoundAction, RoundStatus[]> = { submit: ['open'], approve: ['submitted'], reopen: ['submitted', 'approved'] };
const TO: Record<RoundAction, RoundStatus> = { submit: 'submitted', approve: 'approved', reopen: 'open' };

const STATUS_TEXT: Record<RoundStatus, Message> = {
  open: m('đang mở', 'open'),
  submitted: m('đã trình', 'submitted'),
  approved: m('đã phê duyệt', 'approved'),
};

/** The status after `action`, or 409 ROUND_STATUS naming the current status when the action does not apply. */
export function nextStatus(current: RoundStatus, action: RoundAction): RoundStatus {
  if (FROM[action].includes(current)) return TO[action];
  const s = STATUS_TEXT[current];
  throw new AppError('ROUND_STATUS', 409, m(`Không thể thực hiện khi danh sách ${s.vi}`, `Not possible while the list is ${s.en}`), [
    { path: 'status', code: 'ROUND_STATUS', value: current, message: s },
  ]);
}

export interface UnreviewedHousehold {
  id: string;
  householdCode: string;
  headName: string;
}

/** 409 UNREVIEWED_HOUSEHOLDS with the list (domain.md §4: a ward can't submit while any remain). */
export function unreviewedHouseholds(round: number, list: UnreviewedHousehold[]): AppError {
  const details: ErrorDetail[] = list.map((h) => ({ path: `households.${h.id}`, code: 'UNREVIEWED', value: h, message: m(`Hộ ${h.householdCode} chưa được rà soát kỳ ${round}`, `Household ${h.householdCode} has no round ${round} review`) }));
  return new AppError(
    'UNREVIEWED_HOUSEHOLDS',
    409,
    m(`Còn ${list.length} hộ thuộc danh sách kỳ trước chưa được rà soát hoặc lưu trữ trong kỳ ${round}`, `${list.length} household(s) on last round's lists have neither a round ${round} assessment nor an archive`),
    details,
  );
}

// ── Which list a household is on ────────────────────────────────────────────────────────────────────────────
export type ListName = 'poor' | 'near_poor';

/** What the registry stores per household for one standard (masks: bit r − roundMin per round). */
export interface HouseholdLists {
  poorMask: number;
  nearPoorMask: number;
  assessedMask: number;
  archivedRound: number | null;
}

export interface ListState {
  list: ListName | null;
  /** On the list only because the round is not approved and the household has not been re-assessed yet. */
  carried: boolean;
  /** Off every list from this round on because the household was archived (moved, died, merged). */
  removed: boolean;
}

const has = (mask: number, round: number, roundMin: number) => round >= roundMin && round - roundMin <= 30 && (mask & (1 << (round - roundMin))) !== 0;

/**
 * The household's list in each round from roundMin to `to` (domain.md §4):
 *  - archived in round a: off every list from a on (`removed` in a);
 *  - assessed in the round: the list of its assessment;
 *  - not assessed, the ward's round not approved, on a list the round before: stays there (`carried`, unreviewed);
 *  - otherwise off.
 */
export function listStates(h: HouseholdLists, roundMin: number, to: number, approved: (round: number) => boolean): ListState[] {
  const out: ListState[] = [];
  let prev: ListName | null = null;
  for (let r = roundMin; r <= to; r++) {
    let s: ListState;
    if (h.archivedRound !== null && r >= h.archivedRound) s = { list: null, carried: false, removed: r === h.archivedRound };
    else if (has(h.assessedMask, r, roundMin)) s = { list: has(h.poorMask, r, roundMin) ? 'poor' : has(h.nearPoorMask, r, roundMin) ? 'near_poor' : null, carried: false, removed: false };
    else if (r > roundMin && prev !== null && !approved(r)) s = { list: prev, carried: true, removed: false };
    else s = { list: null, carried: false, removed: false };
    out.push(s);
    prev = s.list;
  }
  return out;
}

export type ListTransition = 'stayed' | 'escaped' | 'removed' | 'fell_back' | 'new';

/**
 * The change on `list` between round index k − 1 and k of `states` (domain.md §4): stayed, escaped (off by a review),
 * removed (off because archived: "giảm khác", never an escape), fell back (on again after an earlier spell), new.
 */
export function transitionOf(states: ListState[], k: number, list: ListName): ListTransition | null {
  return transitionBetween(states, k - 1, k, list);
}

/**
 * The change on `list` from round index `a` to a later index `b` (a = −1: before the first round, on no list), the
 * same categories compared at the two ends (issue 15, a report comparing any two rounds):
 *  - stayed / escaped / removed: on at `a`; at `b` still on, off by a review, or off because archived in (a, b];
 *  - fell back: off at `a`, on at `b`, and on in some round before `a` (it had left the list before the comparison
 *    starts); new: on at `b` and on it in no round up to `a`, whatever happened between the two ends.
 * With b = a + 1 these are exactly the yearly categories.
 */
export function transitionBetween(states: ListState[], a: number, b: number, list: ListName): ListTransition | null {
  const onNow = states[b]!.list === list;
  const onBefore = a >= 0 && states[a]!.list === list;
  if (onBefore) {
    if (onNow) return 'stayed';
    return states.slice(a + 1, b + 1).some((s) => s.removed) ? 'removed' : 'escaped';
  }
  if (!onNow) return null;
  return states.slice(0, Math.max(0, a)).some((s) => s.list === list) ? 'fell_back' : 'new';
}
