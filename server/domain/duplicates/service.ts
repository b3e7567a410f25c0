/**
 * Duplicate detection and resolution (issue 17). Candidates are computed from the registry as it stands (nothing
 * goes stale); only the district's decisions are stored. A ward officer learns of the other household only its ward
 * name when it lies outside the ward (server/domain/scope.ts decides what "in scope" means).
 */
import type { Ctx } from '../../context.ts';
import type { Db, Executor } from '../../db/client.ts';
import { inTransaction } from '../../db/tx.ts';
import { AppError, errors } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import { archiveHousehold } from '../households/service.ts';
import { findHousehold } from '../households/repository.ts';
import { requireWardInScope, wardScopeCondition } from '../scope.ts';
import * as repo from './repository.ts';
import { inScope, visibleSide } from './person-warnings.ts';
import { pairId, parsePairId, type DuplicateKind, type OtherHousehold, type Resolution } from './rules.ts';

export interface PairView {
  id: string;
  kind: DuplicateKind;
  reasons: string[];
  idNumbers: string[];
  households: [OtherHousehold, OtherHousehold];
}

export interface ListInput {
  kind: DuplicateKind;
  ward?: string;
  page: number;
  pageSize: number;
}

function present(ctx: Ctx, row: repo.PairRow): PairView {
  const sides: [OtherHousehold, OtherHousehold] = [visibleSide(ctx, row.a, inScope(ctx, row.a)), visibleSide(ctx, row.b, inScope(ctx, row.b))];
  // A ward officer sees its own households first.
  if (ctx.actor.role === 'ward' && !sides[0].id) sides.reverse();
  return { id: pairId(row.kind, row.a.id, row.b.id), kind: row.kind, reasons: row.reasons, idNumbers: row.idNumbers ?? [], households: sides };
}

/** Open candidate pairs with at least one side in the actor's scope (and in `ward` when given). */
export async function listDuplicates(ctx: Ctx, input: ListInput): Promise<{ rows: PairView[]; total: number }> {
  if (input.ward) await requireWardInScope(ctx.db, ctx.actor, input.ward);
  const ward = input.ward ?? (ctx.actor.role === 'ward' ? (ctx.actor.wardCode ?? '∅') : undefined);
  const rows = await repo.listPairs(ctx.db, {
    kind: input.kind,
    ward,
    visible: (column) => wardScopeCondition(ctx.actor, column),
    limit: input.pageSize,
    offset: (input.page - 1) * input.pageSize,
  });
  return { rows: rows.map((r) => present(ctx, r)), total: rows[0]?.total ?? 0 };
}

export interface ResolveInput {
  resolution: Resolution;
  keep?: string;
  note: string;
}

const pairNotFound = () => errors.notFound('duplicate');

/**
 * Records the district's decision on an open pair. "merged" archives the other household through the households
 * service (reason `merged`, so every rule on archiving — rounds, audit — applies) in the same transaction.
 */
export async function resolveDuplicate(ctx: Ctx, id: string, input: ResolveInput): Promise<{ id: string; resolution: Resolution; keptHouseholdId: string | null; mergedHouseholdId: string | null }> {
  const parsed = parsePairId(id);
  if (!parsed) throw pairNotFound();
  const keep = input.keep?.toLowerCase();
  if (input.resolution === 'merged' && keep !== parsed.a && keep !== parsed.b) {
    throw errors.validation([{ path: 'keep', code: 'KEEP_NOT_IN_PAIR', message: { vi: 'Hãy chọn một trong hai hộ của cặp để giữ lại', en: 'Choose one of the two households of the pair to keep' } }]);
  }
  return inTransaction(ctx.db, async (tx) => {
    const [pair] = await repo.listPairs(tx, { kind: parsed.kind, pair: parsed, visible: (column) => wardScopeCondition(ctx.actor, column), limit: 1, offset: 0 });
    // Both households must be in scope (a district resolves only its own pairs); a resolved pair no longer exists.
    if (!pair || !inScope(ctx, pair.a) || !inScope(ctx, pair.b)) throw pairNotFound();
    const kept = input.resolution === 'merged' ? keep! : null;
    const merged = kept ? (kept === parsed.a ? parsed.b : parsed.a) : null;
    if (merged) {
      const other = await findHousehold(tx, ctx.actor, merged);
      if (!other) throw pairNotFound();
      // Nested in this transaction (a savepoint), so the archive and the resolution commit together.
      await archiveHousehold({ ...ctx, db: tx as unknown as Db }, merged, other.version, 'merged');
    }
    const saved = await repo.insertResolution(tx, {
      kind: parsed.kind, householdA: parsed.a, householdB: parsed.b, resolution: input.resolution,
      keptHouseholdId: kept, mergedHouseholdId: merged, note: input.note, resolvedBy: ctx.actor.username,
    });
    const keptSide = kept === pair.b.id ? pair.b : pair.a;
    await recordAudit(tx, ctx, {
      action: 'resolve', entity: 'duplicate', entityId: id, wardCode: keptSide.wardCode,
      after: { resolution: input.resolution, households: [parsed.a, parsed.b], keptHouseholdId: kept, mergedHouseholdId: merged, note: input.note },
    });
    return { id, resolution: saved.resolution, keptHouseholdId: kept, mergedHouseholdId: merged };
  }).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'DUPLICATE') throw pairNotFound();
    throw err;
  });
}
