/**
 * Writing assessments: classify under both standards, store the results, keep the household's list masks in step
 * (same transaction), audit. Also the explicit re-classification of stored assessments.
 */
import { cleanText } from '../text.ts';
import type { Ctx } from '../../context.ts';
import type { Tx } from '../../db/client.ts';
import { inTransaction } from '../../db/tx.ts';
import { errors } from '../../errors.ts';
import { recordAudit, recordAuditMany, type AuditEvent } from '../audit/repository.ts';
import { bumpDataVersion } from '../data-version.ts';
import * as criteriaRepo from '../criteria/repository.ts';
import { loadSetsForRound, setIdForRound, type SetsForRound } from '../criteria/service.ts';
import type { Area, Category, CriteriaSet, Standard } from '../criteria/types.ts';
import type { HouseholdRow } from '../households/repository.ts';
import * as householdsRepo from '../households/repository.ts';
import type { Member } from '../households/rules.ts';
import * as repo from './repository.ts';
import { approvedKeys, assertWardRoundWritable } from '../rounds/guard.ts';
import { roundApproved } from '../rounds/rules.ts';
import { evaluateAssessment, givenDeprivations, listMasks, type AssessmentFacts, type AssessmentInput, type StoredResult } from './rules.ts';

type Who = Pick<Ctx, 'actor' | 'requestId' | 'config'>;

export function checkRound(config: Ctx['config'], round: number): void {
  if (!Number.isInteger(round) || round < config.roundMin || round > config.roundMax) {
    throw errors.validation([
      { path: 'round', code: 'number.range', message: { vi: `Kỳ rà soát phải từ ${config.roundMin} đến ${config.roundMax}`, en: `Round must be between ${config.roundMin} and ${config.roundMax}` } },
    ]);
  }
}

const subject = (h: HouseholdRow) => ({ area: h.area as Area, members: h.members as Member[] });

/** Recomputes the four list masks of these households from all their assessments (listMasks, one bit per round). */
export async function refreshMasks(tx: Tx, roundMin: number, householdIds: string[]): Promise<void> {
  const rows = await repo.categoriesOf(tx, householdIds);
  for (const id of householdIds) {
    const own = rows.filter((r) => r.householdId === id).map((r) => ({ round: r.round, cityCategory: r.cityCategory as Category | null, nationalCategory: r.nationalCategory as Category | null }));
    await householdsRepo.setMasks(tx, id, listMasks(own, roundMin));
  }
}

/**
 * Classifies and stores one assessment inside the caller's transaction (the import reuses this), updates the masks
 * and writes the audit event.
 */
export async function writeAssessment(
  tx: Tx,
  who: Who,
  household: HouseholdRow,
  round: number,
  input: AssessmentInput,
  opts: { sets: SetsForRound; source?: string; importId?: string | null },
): Promise<repo.AssessmentRow> {
  checkRound(who.config, round);
  await assertWardRoundWritable(tx, household.wardCode, round);
  const evaluated = evaluateAssessment(opts.sets, subject(household), { ...input, round });
  const before = await repo.findAssessment(tx, household.id, round);
  const row = await repo.upsertAssessment(tx, {
    householdId: household.id,
    round,
    members: household.members,
    area: household.area,
    incomeAmount: input.income.amount,
    incomePer: input.income.per,
    deprivations: evaluated.deprivations,
    facts: evaluated.facts,
    surveyor: input.surveyor ? cleanText(input.surveyor) || null : null,
    surveyedAt: input.surveyedAt ?? null,
    source: opts.source ?? 'manual',
    importId: opts.importId ?? null,
    results: evaluated.results,
    cityCategory: evaluated.cityCategory,
    nationalCategory: evaluated.nationalCategory,
  });
  await refreshMasks(tx, who.config.roundMin, [household.id]);
  await bumpDataVersion(tx, household.wardCode);
  await recordAudit(tx, who, {
    action: before ? 'update' : 'create',
    entity: 'assessment',
    entityId: household.id,
    wardCode: household.wardCode,
    before: before ? auditView(before) : null,
    after: auditView(row),
    meta: { round },
  });
  return row;
}

/** PUT /api/households/:id/assessments/:round — the household must be in scope and active. */
export async function putAssessmentFor(ctx: Ctx, household: (tx: Tx) => Promise<HouseholdRow>, round: number, input: AssessmentInput): Promise<repo.AssessmentRow> {
  checkRound(ctx.config, round);
  return inTransaction(ctx.db, async (tx) => {
    const h = await household(tx);
    const sets = await loadSetsForRound(tx, ctx.config, round);
    return writeAssessment(tx, ctx, h, round, input, { sets });
  });
}

export function auditView(a: repo.AssessmentRow) {
  return { round: a.round, income: { amount: a.incomeAmount, per: a.incomePer }, deprivations: a.deprivations, facts: a.facts, cityCategory: a.cityCategory, nationalCategory: a.nationalCategory, source: a.source };
}

/** Criteria set versions by id@version, loaded once per operation. */
function versionCache(tx: Tx) {
  const cache = new Map<string, CriteriaSet>();
  return {
    async get(r: { setId: string; version: number }): Promise<CriteriaSet> {
      const key = `${r.setId}@${r.version}`;
      if (!cache.has(key)) {
        const row = await criteriaRepo.findVersion(tx, r.setId, r.version);
        if (!row) throw new Error(`criteria set ${key} is missing`);
        cache.set(key, criteriaRepo.toCriteriaSet(row));
      }
      return cache.get(key)!;
    },
  };
}

/**
 * After a household's area or members change, the edit is applied to the assessments of the rounds it concerns —
 * `rounds` when the officer names them, else every round of the household whose ward list is not approved — and
 * those are re-classified under the same set versions that classified them (a newer version is only applied by the
 * explicit re-classification below). Approved rounds keep the facts they were approved on (domain.md §1); naming one
 * is 409 ROUND_APPROVED.
 */
export async function reevaluateHousehold(tx: Tx, who: Who, household: HouseholdRow, rounds?: number[]): Promise<number> {
  const all = await repo.assessmentsOf(tx, household.id);
  const frozen = await approvedKeys(tx, [household.wardCode]);
  const isFrozen = (round: number) => frozen.has(`${household.wardCode}/${round}`);
  const named = rounds ? new Set(rounds) : null;
  for (const r of named ?? []) if (isFrozen(r)) throw roundApproved(household.wardCode, r);
  const rows = all.filter((a) => (named ? named.has(a.round) : !isFrozen(a.round)));
  const versions = versionCache(tx);
  let changed = 0;
  for (const a of rows) {
    await assertWardRoundWritable(tx, household.wardCode, a.round);
    const stored = a.results as { city: StoredResult; national: StoredResult };
    const sets = { city: await versions.get(stored.city), national: await versions.get(stored.national) };
    const e = evaluateAssessment(sets, subject(household), { income: { amount: a.incomeAmount, per: a.incomePer }, deprivations: givenDeprivations(a), facts: a.facts as AssessmentFacts, round: a.round, surveyedAt: a.surveyedAt });
    if (e.cityCategory !== a.cityCategory || e.nationalCategory !== a.nationalCategory) changed++;
    await repo.updateClassification(tx, a.id, { results: e.results, cityCategory: e.cityCategory, nationalCategory: e.nationalCategory, deprivations: e.deprivations, facts: e.facts, members: household.members, area: household.area });
  }
  if (rows.length > 0) await refreshMasks(tx, who.config.roundMin, [household.id]);
  await bumpDataVersion(tx, household.wardCode);
  return changed;
}

export interface ReclassifySummary {
  setId: string;
  version: number;
  standard: Standard;
  rounds: number[];
  assessments: number;
  changed: number;
}

/**
 * Re-classifies, under the latest version of `setId`, the stored assessments of the rounds the configuration maps
 * to that set (or one of them). Only that standard's result changes; every changed category is audited.
 */
export interface ReclassifyOptions {
  /** Re-classify approved ward-rounds too (an explicit admin act); each changed category is audited with `reason`. */
  includeApproved?: boolean;
  reason?: string;
  /** Only the assessments whose stored set id differs from the configured one (the start-up schedule check). */
  onlyOtherSets?: boolean;
}

export async function reclassifyUnderLatest(ctx: Ctx, setId: string, round?: number, opts: ReclassifyOptions = {}): Promise<ReclassifySummary> {
  return inTransaction(ctx.db, async (tx) => {
    const latestRow = await criteriaRepo.latestVersion(tx, setId);
    if (!latestRow) throw errors.notFound('criteria set');
    const latest = criteriaRepo.toCriteriaSet(latestRow);
    const standard = latest.standard;
    const rounds: number[] = [];
    for (let r = ctx.config.roundMin; r <= ctx.config.roundMax; r++) if (setIdForRound(ctx.config, standard, r) === setId && (round === undefined || r === round)) rounds.push(r);
    if (round !== undefined && rounds.length === 0) {
      throw errors.validation([{ path: 'round', code: 'ROUND_NOT_MAPPED', message: { vi: `Kỳ ${round} không dùng bộ tiêu chí ${setId}`, en: `Round ${round} is not classified by ${setId}` } }]);
    }
    const frozenBefore = await approvedKeys(tx);
    const frozen = opts.includeApproved ? new Set<string>() : frozenBefore;
    const rows = (rounds.length ? await repo.assessmentsWithHouseholds(tx, rounds) : []).filter(
      ({ a, wardCode }) => !frozen.has(`${wardCode}/${a.round}`) && (!opts.onlyOtherSets || (a.results as { city: StoredResult; national: StoredResult })[standard].setId !== setId),
    );
    const versions = versionCache(tx);
    const events: AuditEvent[] = [];
    const touched = new Set<string>();
    for (const { a, area, members, wardCode } of rows) {
      const stored = a.results as { city: StoredResult; national: StoredResult };
      const other = standard === 'city' ? 'national' : 'city';
      const sets = { [standard]: latest, [other]: await versions.get(stored[other]) } as SetsForRound;
      // The round's own facts (members as surveyed, area then); households' current ones only for old rows.
      const facts = { area: ((a.area ?? area) as Area), members: ((a.members ?? members) as Member[]) };
      const e = evaluateAssessment(sets, facts, { income: { amount: a.incomeAmount, per: a.incomePer }, deprivations: givenDeprivations(a), facts: a.facts as AssessmentFacts, round: a.round, surveyedAt: a.surveyedAt });
      const results = { ...stored, [standard]: e.results[standard], ...(e.results.warnings ? { warnings: e.results.warnings } : {}) };
      const before = standard === 'city' ? a.cityCategory : a.nationalCategory;
      const after = e.results[standard].category;
      await repo.updateClassification(tx, a.id, { results, cityCategory: results.city.category, nationalCategory: results.national.category, deprivations: e.deprivations, facts: e.facts });
      if (before !== after) {
        touched.add(a.householdId);
        events.push({ action: 'reclassify', entity: 'assessment', entityId: a.householdId, wardCode, before: { [`${standard}Category`]: before, setId: stored[standard].setId, version: stored[standard].version }, after: { [`${standard}Category`]: after, setId, version: latest.version }, meta: { round: a.round, setId, ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.includeApproved && frozenBefore.has(`${wardCode}/${a.round}`) ? { approvedRound: true } : {}) } });
      }
    }
    await refreshMasks(tx, ctx.config.roundMin, [...touched]);
    await bumpDataVersion(tx, events.map((e) => e.wardCode));
    const summary: ReclassifySummary = { setId, version: latest.version, standard, rounds, assessments: rows.length, changed: events.length };
    await recordAuditMany(tx, ctx, events);
    await recordAudit(tx, ctx, { action: 'reclassify', entity: 'criteria_set', entityId: `${setId}@${latest.version}`, after: summary, meta: { includeApproved: Boolean(opts.includeApproved), reason: opts.reason ?? null, onlyOtherSets: Boolean(opts.onlyOtherSets) } });
    return summary;
  });
}
