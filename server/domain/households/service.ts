/**
 * Household registry operations, each with a Ctx: scoped (server/domain/scope.ts), validated by the pure rules,
 * run in one transaction with its audit event. The demo generator and the import reuse these.
 *
 * Writes: ward users their own ward; district users any ward of their district (they import for every ward,
 * issue 4); admins everything. Out-of-scope records are 404.
 */
import type { Ctx } from '../../context.ts';
import type { Tx } from '../../db/client.ts';
import { inTransaction } from '../../db/tx.ts';
import { AppError, errors } from '../../errors.ts';
import { listAuditEvents, type AuditRow } from '../audit/repository.ts';
import { recordAudit } from '../audit/repository.ts';
import { bumpDataVersion } from '../data-version.ts';
import { requireWardInScope } from '../scope.ts';
import * as assessmentsRepo from '../assessments/repository.ts';
import { putAssessmentFor, reevaluateHousehold } from '../assessments/service.ts';
import type { AssessmentInput } from '../assessments/rules.ts';
import { listStates, transitionOf, type ListTransition } from '../rounds/rules.ts';
import { approvalLookup } from '../rounds/service.ts';
import { assertWardRoundWritable } from '../rounds/guard.ts';
import * as repo from './repository.ts';
import { householdProblems, normalizeHousehold, searchTextOf, type ArchiveReason, type HouseholdFields } from './rules.ts';
import { sameIdInHouseholdProblems, type DuplicateWarning } from '../duplicates/rules.ts';
import { duplicatePersonWarnings } from '../duplicates/person-warnings.ts';

export { listHouseholds, type ListInput, type ListPage } from './list-service.ts';

export type HouseholdInput = HouseholdFields;
export type HouseholdChanges = Partial<Omit<HouseholdFields, 'wardCode'>> & {
  /** Rounds the member/area edit applies to (default: every round whose ward list is not approved). */
  applyToRounds?: number[];
};
/** A saved household and what the save found about other households (issue 17: DUPLICATE_PERSON; saved anyway). */
export type SavedHousehold = repo.HouseholdRow & { warnings: DuplicateWarning[] };

const archivedConflict = () =>
  errors.conflict({ vi: 'Hộ đã được lưu trữ; hãy khôi phục trước khi sửa', en: 'The household is archived; restore it before changing it' }, [{ path: 'status', code: 'ARCHIVED', message: { vi: 'Đã lưu trữ', en: 'archived' } }]);

function auditView(h: repo.HouseholdRow) {
  const { searchText: _s, cityPoorMask: _a, cityNearPoorMask: _b, nationalPoorMask: _c, nationalNearPoorMask: _d, createdAt: _e, updatedAt: _f, ...rest } = h;
  return rest;
}

function checked<T extends Partial<HouseholdFields>>(input: T): T {
  const value = normalizeHousehold(input);
  const problems = [...householdProblems(value, new Date().getFullYear()), ...sameIdInHouseholdProblems(value)];
  if (problems.length) throw errors.validation(problems);
  return value;
}

/** A duplicate household code answers on the field the user typed, not on the index name. */
function duplicateCode(err: unknown): never {
  if (err instanceof AppError && err.code === 'DUPLICATE') {
    throw errors.duplicate([{ path: 'householdCode', code: 'UNIQUE', message: { vi: 'Mã hộ đã tồn tại trong phường', en: 'This household code already exists in the ward' } }]);
  }
  throw err;
}

async function requireHousehold(tx: Tx | Ctx['db'], ctx: Ctx, id: string, forUpdate = false): Promise<repo.HouseholdRow> {
  const row = await repo.findHousehold(tx, ctx.actor, id, { forUpdate });
  if (!row) throw errors.notFound('household');
  return row;
}

function requireVersion(row: repo.HouseholdRow, expected: number | null, required: boolean): void {
  if (expected === null) {
    if (required) throw errors.preconditionRequired();
    return;
  }
  if (row.version !== expected) throw errors.preconditionFailed();
}

export async function createHousehold(ctx: Ctx, input: HouseholdInput): Promise<SavedHousehold> {
  const value = checked(input);
  return inTransaction(ctx.db, async (tx) => {
    await requireWardInScope(tx, ctx.actor, value.wardCode);
    const row = await repo.insertHousehold(tx, { ...value, searchText: searchTextOf(value), createdBy: ctx.actor.username, updatedBy: ctx.actor.username });
    await bumpDataVersion(tx, row.wardCode);
    await recordAudit(tx, ctx, { action: 'create', entity: 'household', entityId: row.id, wardCode: row.wardCode, after: auditView(row) });
    return { ...row, warnings: await duplicatePersonWarnings(tx, ctx, row) };
  }).catch(duplicateCode);
}

export async function getHousehold(ctx: Ctx, id: string): Promise<repo.HouseholdRow> {
  return requireHousehold(ctx.db, ctx, id);
}

/** PATCH: If-Match required. Area or member changes re-evaluate the stored assessments (same set versions). */
export async function updateHousehold(ctx: Ctx, id: string, expectedVersion: number | null, input: HouseholdChanges): Promise<SavedHousehold> {
  const { applyToRounds, ...changes } = input;
  const value = normalizeHousehold(changes);
  return inTransaction(ctx.db, async (tx) => {
    const before = await requireHousehold(tx, ctx, id, true);
    requireVersion(before, expectedVersion, true);
    // An unchanged household code is not re-checked: codes registered before the ASCII rule stay editable.
    checked(value.householdCode === before.householdCode ? { ...value, householdCode: undefined } : value);
    if (before.status === 'archived') throw archivedConflict();
    const merged = { ...before, ...value };
    const row = await repo.updateHouseholdRow(tx, id, { ...value, searchText: searchTextOf(merged as HouseholdFields), version: before.version + 1, updatedBy: ctx.actor.username });
    const reclassified = value.area !== undefined || value.members !== undefined ? await reevaluateHousehold(tx, ctx, row, applyToRounds) : 0;
    await bumpDataVersion(tx, row.wardCode);
    await recordAudit(tx, ctx, { action: 'update', entity: 'household', entityId: id, wardCode: row.wardCode, before: auditView(before), after: auditView(row), meta: reclassified ? { reclassified } : null });
    // The updated row is the answer: a re-classification changes only the list masks, which the answer does not carry.
    return { ...row, warnings: await duplicatePersonWarnings(tx, ctx, row) };
  }).catch(duplicateCode);
}

/**
 * The round an archive dated `date` (YYYY-MM-DD; today when absent) belongs to: the year's review. A household that
 * left during year Y is absent from the round-Y review, so it leaves the lists there as `removed` (domain.md §4).
 */
export function archiveRoundOf(ctx: Ctx, date: string | undefined): number {
  const round = date ? Number(date.slice(0, 4)) : new Date().getFullYear();
  if (round < ctx.config.roundMin) {
    throw errors.validation([{ path: 'date', code: 'number.min', message: { vi: `Ngày lưu trữ phải từ năm ${ctx.config.roundMin}`, en: `The archive date must be in ${ctx.config.roundMin} or later` } }]);
  }
  return round;
}

/** DELETE archives (soft): nothing is hard-deleted through the API. Refused (409) when the date's round is approved. */
export async function archiveHousehold(ctx: Ctx, id: string, expectedVersion: number | null, reason: ArchiveReason, opts: { date?: string } = {}): Promise<repo.HouseholdRow> {
  const archivedRound = archiveRoundOf(ctx, opts.date);
  return inTransaction(ctx.db, async (tx) => {
    const before = await requireHousehold(tx, ctx, id, true);
    requireVersion(before, expectedVersion, true);
    if (before.status === 'archived') throw archivedConflict();
    await assertWardRoundWritable(tx, before.wardCode, archivedRound);
    const row = await repo.updateHouseholdRow(tx, id, { status: 'archived', archivedReason: reason, archivedRound, version: before.version + 1, updatedBy: ctx.actor.username });
    await bumpDataVersion(tx, row.wardCode);
    await recordAudit(tx, ctx, { action: 'delete', entity: 'household', entityId: id, wardCode: row.wardCode, before: { status: before.status }, after: { status: row.status, archivedReason: reason, archivedRound } });
    return row;
  });
}

/** If-Match is optional here (restoring is idempotent in intent), but checked when sent. */
export async function restoreHousehold(ctx: Ctx, id: string, expectedVersion: number | null): Promise<repo.HouseholdRow> {
  return inTransaction(ctx.db, async (tx) => {
    const before = await requireHousehold(tx, ctx, id, true);
    requireVersion(before, expectedVersion, false);
    if (before.status !== 'archived') throw errors.conflict({ vi: 'Hộ không ở trạng thái lưu trữ', en: 'The household is not archived' }, [{ path: 'status', code: 'NOT_ARCHIVED', message: { vi: 'Đang hoạt động', en: 'active' } }]);
    // Restoring puts the household back on the lists of the archive's round: refused when that list is approved.
    if (before.archivedRound !== null) await assertWardRoundWritable(tx, before.wardCode, before.archivedRound);
    const row = await repo.updateHouseholdRow(tx, id, { status: 'active', archivedReason: null, archivedRound: null, version: before.version + 1, updatedBy: ctx.actor.username });
    await bumpDataVersion(tx, row.wardCode);
    await recordAudit(tx, ctx, { action: 'restore', entity: 'household', entityId: id, wardCode: row.wardCode, before: { status: before.status, archivedReason: before.archivedReason, archivedRound: before.archivedRound }, after: { status: 'active' } });
    return row;
  });
}

export async function putAssessment(ctx: Ctx, id: string, round: number, input: AssessmentInput): Promise<assessmentsRepo.AssessmentRow> {
  return putAssessmentFor(
    ctx,
    async (tx) => {
      const h = await requireHousehold(tx, ctx, id, true);
      if (h.status === 'archived') throw archivedConflict();
      return h;
    },
    round,
    input,
  );
}

type ListName = 'poor' | 'nearPoor';
export interface RoundTransitions {
  round: number;
  city: Record<ListName, ListTransition | null>;
  national: Record<ListName, ListTransition | null>;
}

export interface HouseholdHistory {
  household: repo.HouseholdRow;
  assessments: assessmentsRepo.AssessmentRow[];
  transitions: RoundTransitions[];
  audit: AuditRow[];
}

/**
 * Assessments, the yearly transitions per list and standard (domain.md §4, by the report's own definition: archives
 * are `removed`, unreviewed households stay on their list while the ward's round is not approved) and the audit trail.
 */
export async function householdHistory(ctx: Ctx, id: string): Promise<HouseholdHistory> {
  const household = await requireHousehold(ctx.db, ctx, id);
  const assessments = await assessmentsRepo.assessmentsOf(ctx.db, id);
  const { roundMin, roundMax } = ctx.config;
  const { approved } = await approvalLookup(ctx.db, [household.wardCode]);
  const statesOf = (poorMask: number, nearPoorMask: number) =>
    listStates({ poorMask, nearPoorMask, assessedMask: household.assessedMask, archivedRound: household.archivedRound }, roundMin, roundMax, (r) => approved(household.wardCode, r));
  const city = statesOf(household.cityPoorMask, household.cityNearPoorMask);
  const national = statesOf(household.nationalPoorMask, household.nationalNearPoorMask);
  const transitions: RoundTransitions[] = [];
  for (let round = roundMin; round <= roundMax; round++) {
    const k = round - roundMin;
    transitions.push({
      round,
      city: { poor: transitionOf(city, k, 'poor'), nearPoor: transitionOf(city, k, 'near_poor') },
      national: { poor: transitionOf(national, k, 'poor'), nearPoor: transitionOf(national, k, 'near_poor') },
    });
  }
  const page = { limit: 500, offset: 0 };
  const [own, ofAssessments] = await Promise.all([
    listAuditEvents(ctx.db, ctx.actor, { entity: 'household', entityId: id }, page),
    listAuditEvents(ctx.db, ctx.actor, { entity: 'assessment', entityId: id }, page),
  ]);
  const audit = [...own.rows, ...ofAssessments.rows].sort((a, b) => a.id - b.id);
  return { household, assessments, transitions, audit };
}
