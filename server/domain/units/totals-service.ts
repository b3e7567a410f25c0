/**
 * Total households per ward and round: population statistics entered by the district (domain.md §4: "total
 * households per ward and year is an input, not the registry's own count"). Every change is audited.
 */
import type { Ctx } from '../../context.ts';
import { inTransaction } from '../../db/tx.ts';
import { errors, type ErrorDetail } from '../../errors.ts';
import { checkRound as checkAssessmentRound } from '../assessments/service.ts';
import { recordAudit } from '../audit/repository.ts';
import { bumpDataVersion } from '../data-version.ts';
import { requireWardInScope, wardInScope, wardsInScope } from '../scope.ts';
import * as unitsRepo from './repository.ts';
import * as repo from './totals-repository.ts';

type TotalsCtx = Pick<Ctx, 'db' | 'config' | 'actor' | 'requestId'>;

/** The round check shared with assessments (same code and message for every round in the API). */
const checkRound = (ctx: TotalsCtx, round: number) => checkAssessmentRound(ctx.config, round);

export interface WardTotalView {
  code: string;
  name: string;
  round: number;
  households: number | null;
}

/** Sets one ward's total for a round (admin, or a district user inside its district). */
export async function setWardTotal(ctx: TotalsCtx, wardCode: string, round: number, households: number): Promise<WardTotalView> {
  checkRound(ctx, round);
  const ward = await requireWardInScope(ctx.db, ctx.actor, wardCode);
  await inTransaction(ctx.db, async (tx) => {
    const before = await repo.findWardTotal(tx, ward.code, round);
    if (before?.households === households) return;
    await repo.upsertWardTotal(tx, { wardCode: ward.code, round, households }, ctx.actor.username);
    await bumpDataVersion(tx, ward.code);
    await recordAudit(tx, ctx, {
      action: before ? 'update' : 'create',
      entity: 'ward_total',
      entityId: `${ward.code}/${round}`,
      wardCode: ward.code,
      before: before ? { households: before.households } : null,
      after: { households },
    });
  });
  return { code: ward.code, name: ward.name, round, households };
}

/** Every ward of the actor's scope with its total for the round (null when not entered yet). */
export async function listScopedWardTotals(ctx: TotalsCtx, round: number): Promise<WardTotalView[]> {
  checkRound(ctx, round);
  const scope = await wardsInScope(ctx.db, ctx.actor, ctx.config.districtCode);
  const totals = new Map((await repo.listWardTotals(ctx.db, scope.map((w) => w.code), round, round)).map((t) => [t.wardCode, t.households]));
  return scope.map((w) => ({ code: w.code, name: w.name, round, households: totals.get(w.code) ?? null }));
}

export interface TotalsImportRow {
  /** 1-based sheet row, for error messages. */
  row: number;
  wardCode: string;
  households: number;
}

export interface TotalsImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

/** Loads many totals for one round, all or nothing (the CLI's sheet import). Unknown wards or repeats are refused. */
export async function importWardTotals(ctx: TotalsCtx, round: number, rows: TotalsImportRow[]): Promise<TotalsImportResult> {
  checkRound(ctx, round);
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const ward = await unitsRepo.findWard(ctx.db, r.wardCode);
    // Outside the actor's district reads as unknown, like every out-of-scope object (no existence leak).
    if (!ward || !wardInScope(ctx.actor, ward)) problems.push({ path: `row ${r.row}`, code: 'UNKNOWN_WARD', message: { vi: `Không có phường mã ${r.wardCode}`, en: `No ward with code ${r.wardCode}` }, value: r.wardCode });
    if (seen.has(r.wardCode)) problems.push({ path: `row ${r.row}`, code: 'DUPLICATE_WARD', message: { vi: 'Mã phường bị lặp', en: 'The ward code appears twice' }, value: r.wardCode });
    seen.add(r.wardCode);
  }
  if (problems.length) throw errors.validation(problems);
  return inTransaction(ctx.db, async (tx) => {
    const result: TotalsImportResult = { created: 0, updated: 0, unchanged: 0 };
    for (const r of rows) {
      const before = await repo.findWardTotal(tx, r.wardCode, round);
      if (before?.households === r.households) {
        result.unchanged++;
        continue;
      }
      await repo.upsertWardTotal(tx, { wardCode: r.wardCode, round, households: r.households }, ctx.actor.username);
      await bumpDataVersion(tx, r.wardCode);
      await recordAudit(tx, ctx, {
        action: before ? 'update' : 'create',
        entity: 'ward_total',
        entityId: `${r.wardCode}/${round}`,
        wardCode: r.wardCode,
        before: before ? { households: before.households } : null,
        after: { households: r.households },
        meta: { source: 'import' },
      });
      result[before ? 'updated' : 'created']++;
    }
    return result;
  });
}
