/**
 * The official record per ward and round (domain.md §1, issue 12 §2): list the wards' status for a round, submit
 * (refused while last round's listed households are unreviewed), approve with the decision, reopen with a reason.
 * Every transition is audited in the same transaction.
 */
import type { Ctx } from '../../context.ts';
import { inTransaction } from '../../db/tx.ts';
import { errors } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import { bumpDataVersion } from '../data-version.ts';
import { requireWardInScope, wardsInScope } from '../scope.ts';
import * as repo from './repository.ts';
import { listStates, nextStatus, unreviewedHouseholds, type RoundAction, type RoundStatus, type UnreviewedHousehold } from './rules.ts';

export interface RoundWard {
  wardCode: string;
  name: string;
  status: RoundStatus;
  submittedBy: string | null;
  submittedAt: Date | null;
  decision: { number: string; date: string; signer: string | null } | null;
  reopenedReason: string | null;
  unreviewed: number;
}

function checkRound(ctx: Ctx, round: number): void {
  const { roundMin, roundMax } = ctx.config;
  if (round < roundMin || round > roundMax) {
    throw errors.validation([{ path: 'round', code: 'number.range', message: { vi: `Kỳ rà soát phải từ ${roundMin} đến ${roundMax}`, en: `Round must be between ${roundMin} and ${roundMax}` } }]);
  }
}

/** Approval status of every ward-round of these wards: `approved(ward, round)`. */
export async function approvalLookup(exec: Ctx['db'], wardCodes: string[]): Promise<{ rows: repo.WardRoundRow[]; approved: (ward: string, round: number) => boolean }> {
  const rows = await repo.wardRoundRows(exec, wardCodes);
  const keys = new Set(rows.filter((r) => r.status === 'approved').map((r) => `${r.wardCode}/${r.round}`));
  return { rows, approved: (ward, round) => keys.has(`${ward}/${round}`) };
}

/**
 * Households on a list (either standard) the round before that have neither an assessment in `round` nor an archive
 * dated in it or earlier, per ward (domain.md §4 "unreviewed").
 */
export async function unreviewedByWard(exec: Ctx['db'], config: Ctx['config'], wardCodes: string[], round: number, approved: (ward: string, round: number) => boolean): Promise<Map<string, UnreviewedHousehold[]>> {
  const out = new Map<string, UnreviewedHousehold[]>(wardCodes.map((c) => [c, []]));
  if (round <= config.roundMin) return out;
  // Judged as if `round` were open: the check is about whether the list can be submitted.
  const isApproved = (ward: string) => (r: number) => r !== round && approved(ward, r);
  for (const h of await repo.listedHouseholds(exec, wardCodes)) {
    const carried = (poorMask: number, nearPoorMask: number) =>
      listStates({ poorMask, nearPoorMask, assessedMask: h.assessedMask, archivedRound: h.archivedRound }, config.roundMin, round, isApproved(h.wardCode))[round - config.roundMin]!.carried;
    if (carried(h.cityPoorMask, h.cityNearPoorMask) || carried(h.nationalPoorMask, h.nationalNearPoorMask)) {
      out.get(h.wardCode)!.push({ id: h.id, householdCode: h.householdCode, headName: h.headName });
    }
  }
  return out;
}

/** GET /api/rounds/:round/wards — every ward in scope with its status, decision and unreviewed count. */
export async function listRoundWards(ctx: Ctx, round: number, onlyWard?: string): Promise<RoundWard[]> {
  checkRound(ctx, round);
  const wards = (await wardsInScope(ctx.db, ctx.actor, ctx.actor.districtCode ?? ctx.config.districtCode)).filter((w) => !onlyWard || w.code === onlyWard);
  const codes = wards.map((w) => w.code);
  const { rows, approved } = await approvalLookup(ctx.db, codes);
  // An approved list is history: what happened after it is the next round's business (and is not computed).
  const unreviewed = await unreviewedByWard(ctx.db, ctx.config, codes.filter((c) => !approved(c, round)), round, approved);
  return wards.map((w) => {
    const row = rows.find((r) => r.wardCode === w.code && r.round === round);
    const status = (row?.status ?? 'open') as RoundStatus;
    return {
      wardCode: w.code,
      name: w.name,
      status,
      submittedBy: status === 'open' ? null : (row?.submittedBy ?? null),
      submittedAt: status === 'open' ? null : (row?.submittedAt ?? null),
      decision: status === 'approved' && row?.decisionNumber ? { number: row.decisionNumber, date: row.decisionDate!, signer: row.decisionSigner } : null,
      reopenedReason: status === 'open' ? (row?.reopenedReason ?? null) : null,
      unreviewed: unreviewed.get(w.code)?.length ?? 0,
    };
  });
}

/** The unreviewed households of one ward (the Submit button lists them). */
export async function listUnreviewed(ctx: Ctx, round: number, wardCode: string): Promise<UnreviewedHousehold[]> {
  checkRound(ctx, round);
  await requireWardInScope(ctx.db, ctx.actor, wardCode);
  const { approved } = await approvalLookup(ctx.db, [wardCode]);
  return (await unreviewedByWard(ctx.db, ctx.config, [wardCode], round, approved)).get(wardCode)!;
}

export interface ApproveInput {
  decisionNumber: string;
  decisionDate: string;
  signer?: string | null;
}

async function transition(ctx: Ctx, round: number, wardCode: string, action: RoundAction, apply: (row: repo.WardRoundRow | null) => Partial<repo.WardRoundRow>, meta?: unknown): Promise<RoundWard> {
  checkRound(ctx, round);
  await inTransaction(ctx.db, async (tx) => {
    await requireWardInScope(tx, ctx.actor, wardCode);
    const before = await repo.lockWardRound(tx, wardCode, round, 'update');
    const status = nextStatus((before?.status ?? 'open') as RoundStatus, action);
    if (action === 'submit') {
      const { approved } = await approvalLookup(tx, [wardCode]);
      const list = (await unreviewedByWard(tx, ctx.config, [wardCode], round, approved)).get(wardCode)!;
      if (list.length > 0) throw unreviewedHouseholds(round, list);
    }
    const after = await repo.saveWardRound(tx, { wardCode, round, ...apply(before), status });
    // The rates report shows each ward's approval: its cache (issue 14) must see the new status at once.
    await bumpDataVersion(tx, wardCode);
    await recordAudit(tx, ctx, {
      action: `round_${action}`,
      entity: 'ward_round',
      entityId: `${wardCode}/${round}`,
      wardCode,
      before: before ? { status: before.status, decisionNumber: before.decisionNumber } : { status: 'open' },
      after: { status: after.status, decisionNumber: after.decisionNumber, decisionDate: after.decisionDate, signer: after.decisionSigner },
      meta: meta ?? { round },
    });
  });
  const [row] = await listRoundWards(ctx, round, wardCode);
  if (row) return row;
  // An admin acting on a ward of another district: the same shape, read directly.
  const ward = await requireWardInScope(ctx.db, ctx.actor, wardCode);
  const { rows } = await approvalLookup(ctx.db, [wardCode]);
  const r = rows.find((x) => x.round === round)!;
  return { wardCode, name: ward.name, status: r.status as RoundStatus, submittedBy: r.submittedBy, submittedAt: r.submittedAt, decision: r.decisionNumber ? { number: r.decisionNumber, date: r.decisionDate!, signer: r.decisionSigner } : null, reopenedReason: r.reopenedReason, unreviewed: 0 };
}

export function submitRound(ctx: Ctx, round: number, wardCode: string): Promise<RoundWard> {
  return transition(ctx, round, wardCode, 'submit', () => ({ submittedBy: ctx.actor.username, submittedAt: new Date(), reopenedReason: null }));
}

export function approveRound(ctx: Ctx, round: number, wardCode: string, input: ApproveInput): Promise<RoundWard> {
  return transition(ctx, round, wardCode, 'approve', () => ({
    decisionNumber: input.decisionNumber,
    decisionDate: input.decisionDate,
    decisionSigner: input.signer ?? null,
    approvedBy: ctx.actor.username,
    approvedAt: new Date(),
  }));
}

export function reopenRound(ctx: Ctx, round: number, wardCode: string, reason: string): Promise<RoundWard> {
  return transition(
    ctx,
    round,
    wardCode,
    'reopen',
    () => ({ decisionNumber: null, decisionDate: null, decisionSigner: null, approvedBy: null, approvedAt: null, submittedBy: null, submittedAt: null, reopenedReason: reason }),
    { round, reason },
  );
}
