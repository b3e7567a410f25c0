/**
 * Criteria sets: which set classifies which round (configuration, domain.md §2–3), reading them, new versions made by
 * an administrator (audited), and what-if classification.
 */
import type { Config, RoundRange } from '../../config.ts';
import type { Ctx } from '../../context.ts';
import type { Executor } from '../../db/client.ts';
import { inTransaction } from '../../db/tx.ts';
import { errors } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import { classify } from './classify.ts';
import * as repo from './repository.ts';
import type { Classification, ClassifyInput, CriteriaSet, Standard } from './types.ts';

export type SetsForRound = { city: CriteriaSet; national: CriteriaSet };

const roundOutside = (round: number) =>
  errors.validation([
    { path: 'round', code: 'ROUND_NOT_CONFIGURED', message: { vi: `Không có bộ tiêu chí cho kỳ ${round}`, en: `No criteria set is configured for round ${round}` } },
  ]);

/** Set id configured for a round and standard (CRITERIA_ROUNDS), or null. */
export function setIdForRound(config: Config, standard: Standard, round: number): string | null {
  const ranges: RoundRange[] = config.criteriaRounds[standard];
  return ranges.find((r) => round >= r.from && round <= r.to)?.set ?? null;
}

function pick(byId: Map<string, CriteriaSet>, config: Config, round: number): SetsForRound {
  const cityId = setIdForRound(config, 'city', round);
  const nationalId = setIdForRound(config, 'national', round);
  const city = cityId ? byId.get(cityId) : undefined;
  const national = nationalId ? byId.get(nationalId) : undefined;
  if (!city || !national) throw roundOutside(round);
  return { city, national };
}

/** The latest version of the city and the national set mapped to `round` by config.criteriaRounds. */
export async function loadSetsForRound(exec: Executor, config: Config, round: number): Promise<SetsForRound> {
  const ids = [setIdForRound(config, 'city', round), setIdForRound(config, 'national', round)];
  const rows = await Promise.all(ids.map((id) => (id ? repo.latestVersion(exec, id) : null)));
  const byId = new Map(rows.filter((r): r is repo.CriteriaRow => r !== null).map((r) => [r.id, repo.toCriteriaSet(r)]));
  return pick(byId, config, round);
}

/** Loads the latest version of every set once; the returned function resolves a round without more queries (bulk). */
export async function loadCriteriaResolver(exec: Executor, config: Config): Promise<(round: number) => SetsForRound> {
  const byId = new Map((await repo.latestSets(exec)).map((r) => [r.id, repo.toCriteriaSet(r)]));
  return (round: number) => pick(byId, config, round);
}

export async function listCriteriaSets(ctx: Ctx): Promise<repo.CriteriaRow[]> {
  return repo.latestSets(ctx.db);
}

/** A set's latest version with the list of its versions (or one given version). */
export async function getCriteriaSet(ctx: Ctx, id: string, version?: number): Promise<{ set: repo.CriteriaRow; versions: repo.CriteriaRow[] }> {
  const versions = await repo.versionsOf(ctx.db, id);
  const set = version === undefined ? versions[0] : versions.find((v) => v.version === version);
  if (!set) throw errors.notFound('criteria set');
  return { set, versions };
}

export type NewVersionInput = Omit<CriteriaSet, 'id' | 'version'> & { note?: string | null };

/**
 * Creates version n+1 of a set (administrators only, checked by the router). Existing assessments keep the version
 * that classified them; re-classifying is a separate, explicit operation.
 */
export async function createCriteriaVersion(ctx: Ctx, id: string, input: NewVersionInput): Promise<repo.CriteriaRow> {
  return inTransaction(ctx.db, async (tx) => {
    const latest = await repo.latestVersion(tx, id);
    if (!latest) throw errors.notFound('criteria set');
    if (input.standard !== latest.standard) {
      // CRITERIA_ROUNDS maps set ids per standard: a set cannot change standard between versions.
      throw errors.validation([{ path: 'standard', code: 'any.only', message: { vi: `Bộ tiêu chí này thuộc chuẩn ${latest.standard}`, en: `This set belongs to the ${latest.standard} standard` } }]);
    }
    const { note: _note, ...fields } = input;
    const next: CriteriaSet = { ...fields, id, version: latest.version + 1 };
    checkSetConsistency(next);
    const row = await repo.insertVersion(tx, { ...next, note: input.note ?? null, createdBy: ctx.actor.username });
    await recordAudit(tx, ctx, { action: 'create', entity: 'criteria_set', entityId: `${id}@${row.version}`, before: { version: latest.version }, after: next });
    return row;
  });
}

/** Lines must rise (poor ≤ near-poor ≤ average) and indicator codes be unique; otherwise classification is meaningless. */
export function checkSetConsistency(set: CriteriaSet): void {
  const problems = [];
  const entries = 'all' in set.lines ? ([['all', set.lines.all]] as const) : ([['urban', set.lines.urban], ['rural', set.lines.rural]] as const);
  for (const [key, l] of entries) {
    if (l.nearPoor < l.poor || (l.average !== undefined && l.average < l.nearPoor)) {
      problems.push({ path: `lines.${key}`, code: 'LINES_ORDER', message: { vi: 'Các chuẩn phải tăng dần: nghèo ≤ cận nghèo ≤ trung bình', en: 'Lines must rise: poor ≤ near-poor ≤ average' } });
    }
  }
  const codes = set.indicators.map((i) => i.code);
  if (new Set(codes).size !== codes.length) {
    problems.push({ path: 'indicators', code: 'DUPLICATE_CODE', message: { vi: 'Mã chỉ số bị trùng', en: 'Duplicate indicator codes' } });
  }
  if (problems.length) throw errors.validation(problems);
}

/** What-if classification (POST /api/classify): no side effects. */
export async function classifyWhatIf(ctx: Ctx, setId: string, input: ClassifyInput, version?: number): Promise<{ set: CriteriaSet; result: Classification }> {
  const row = version === undefined ? await repo.latestVersion(ctx.db, setId) : await repo.findVersion(ctx.db, setId, version);
  if (!row) {
    throw errors.validation([{ path: 'criteriaSet', code: 'UNKNOWN_SET', message: { vi: `Không có bộ tiêu chí ${setId}`, en: `No criteria set ${setId}` } }]);
  }
  const set = repo.toCriteriaSet(row);
  return { set, result: classify(set, input) };
}

export interface CriteriaUsage {
  setId: string;
  standard: Standard;
  /** Rounds CRITERIA_ROUNDS maps to this set, each with its stored assessments per version. */
  rounds: { round: number; versions: { version: number; assessments: number }[] }[];
}

/** Which rounds classify with the set (configuration) and under which versions their stored assessments were made. */
export async function criteriaUsage(ctx: Ctx, id: string): Promise<CriteriaUsage> {
  const latest = await repo.latestVersion(ctx.db, id);
  if (!latest) throw errors.notFound('criteria set');
  const counts = await repo.assessmentsPerRoundAndVersion(ctx.db, id, latest.standard);
  const rounds: CriteriaUsage['rounds'] = [];
  for (let r = ctx.config.roundMin; r <= ctx.config.roundMax; r++) {
    const versions = counts.filter((c) => c.round === r).map(({ version, assessments }) => ({ version, assessments }));
    if (setIdForRound(ctx.config, latest.standard, r) === id || versions.length) rounds.push({ round: r, versions });
  }
  return { setId: id, standard: latest.standard, rounds };
}
