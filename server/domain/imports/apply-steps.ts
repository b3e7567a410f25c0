/**
 * The steps applyRowsWith (apply.ts) runs per batch: classify a row with its household, write the assessments of a
 * batch (compared with what is stored; unchanged rows write nothing and leave no audit row), and recompute the list
 * masks of touched households. `run.write` false is the dry run: the same comparison and counts, no writes.
 */
import type { Executor, Tx } from '../../db/client.ts';
import { recordAuditMany, type AuditEvent } from '../audit/repository.ts';
import { evaluateAssessment, listMasks } from '../assessments/rules.ts';
import type { SetsForRound } from '../criteria/service.ts';
import type { Member } from '../households/rules.ts';
import { roundApproved } from '../rounds/rules.ts';
import * as bulk from './bulk-repository.ts';
import { emptyCategories, emptyCounts, type CategoryCounts, type Counts, type ImportRow } from './types.ts';
import type { ApplyCtx } from './apply.ts';

export interface ApplyResult {
  households: Counts;
  assessments: Counts;
  categories: CategoryCounts;
  nationalCategories: CategoryCounts;
}

export const emptyResult = (): ApplyResult => ({ households: emptyCounts(), assessments: emptyCounts(), categories: emptyCategories(), nationalCategories: emptyCategories() });

/** What one applyRowsWith call shares between its steps. */
export interface Run {
  exec: Executor | Tx;
  ctx: ApplyCtx;
  write: boolean;
  importId: string | null;
  meta: { importId: string } | undefined;
  /** assessments.source of written rows. */
  source: string;
  resolver: (round: number) => SetsForRound;
  /** "ward/round" of approved ward lists (write mode only: validation refused their rows already). */
  frozen: Set<string>;
  out: ApplyResult;
}

/** A household as an assessment is classified with: id null for one a dry run would create. */
export interface Known {
  id: string | null;
  area: 'urban' | 'rural';
  members: Member[];
}

/** Stable JSON (sorted keys): jsonb hands keys back in its own order, so plain JSON.stringify would see changes. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}

/**
 * An assessment is unchanged when its survey inputs, categories and the set versions that classified it are: the
 * full results (reasons) follow from those, so they are not read back (the slowest part of a re-import otherwise).
 */
const COMPARED = ['incomeAmount', 'incomePer', 'deprivations', 'facts', 'surveyor', 'surveyedAt', 'members', 'area', 'cityCategory', 'nationalCategory', 'citySet', 'nationalSet'] as const;

function comparable(a: bulk.AssessmentWrite): Pick<bulk.StoredAssessment, (typeof COMPARED)[number]> {
  const results = a.results as { city: { setId: string; version: number }; national: { setId: string; version: number } };
  return { ...a, citySet: `${results.city.setId}@${results.city.version}`, nationalSet: `${results.national.setId}@${results.national.version}` };
}

export interface Planned {
  r: ImportRow;
  next: bulk.AssessmentWrite;
  /** The household is created by this import: it has no stored assessment to compare with. */
  fresh: boolean;
}

/**
 * Classifies one row with its household as it stands after the import (Decision 59/2015/QĐ-TTg Art. 2 and the city's
 * standard, both through the criteria sets of the row's round). A row of an approved ward list fails the whole commit.
 */
export function planAssessment(run: Run, r: ImportRow, h: Known, fresh: boolean): Planned {
  if (run.frozen.has(`${r.wardCode}/${r.round}`)) throw roundApproved(r.wardCode, r.round);
  const ev = evaluateAssessment(run.resolver(r.round), { area: h.area, members: h.members }, { ...r, facts: r.facts });
  run.out.categories[ev.cityCategory]++;
  run.out.nationalCategories[ev.nationalCategory]++;
  const next: bulk.AssessmentWrite = {
    householdId: h.id ?? '', round: r.round, incomeAmount: r.income.amount, incomePer: r.income.per, deprivations: ev.deprivations,
    facts: ev.facts, surveyor: r.surveyor, surveyedAt: r.surveyedAt, members: h.members, area: h.area, results: ev.results, cityCategory: ev.cityCategory, nationalCategory: ev.nationalCategory,
  };
  return { r, next, fresh };
}

/** Writes (or, dry, counts) the planned assessments of one batch; returns the households whose masks must be refreshed. */
export async function applyAssessments(run: Run, planned: Planned[]): Promise<string[]> {
  const { exec, out, meta } = run;
  const lookup = planned.filter((p) => !p.fresh && p.next.householdId).map((p) => p.next);
  const existing = new Map((await bulk.findAssessments(exec, lookup)).map((a) => [`${a.householdId}|${a.round}`, a]));
  const inserts: bulk.AssessmentWrite[] = [];
  const updates: (bulk.AssessmentWrite & { id: string })[] = [];
  const events: AuditEvent[] = [];
  // Households created by this import already carry masks from these rows; the others need theirs refreshed.
  const refresh: string[] = [];
  for (const { r, next, fresh } of planned) {
    const ex = existing.get(`${next.householdId}|${next.round}`);
    if (!ex) {
      out.assessments.new++;
      inserts.push(next);
      if (!fresh) refresh.push(next.householdId);
      continue;
    }
    const now = comparable(next);
    const changed = COMPARED.filter((k) => stableJson(ex[k]) !== stableJson(now[k]));
    if (changed.length === 0) {
      out.assessments.unchanged++;
      continue;
    }
    out.assessments.updated++;
    updates.push({ ...next, id: ex.id });
    refresh.push(next.householdId);
    const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, o[k]]));
    events.push({ action: 'update', entity: 'assessment', entityId: ex.id, wardCode: r.wardCode, before: pick(ex as never), after: pick(now as never), meta });
  }
  if (!run.write) return [];
  const created = await bulk.insertAssessments(exec, inserts, run.source, run.importId);
  const wardOf = new Map(planned.map((p) => [p.next.householdId, p.r.wardCode]));
  for (const c of created) {
    events.push({ action: 'create', entity: 'assessment', entityId: c.id, wardCode: wardOf.get(c.householdId) ?? null, after: { householdId: c.householdId, round: c.round }, meta });
  }
  await bulk.updateAssessments(exec, updates, run.source, run.importId);
  await recordAuditMany(exec, run.ctx, events);
  return refresh;
}

const MASK_BATCH = 2000;

/** Recomputes the list masks of these households from all their stored assessments (docs/ARCHITECTURE.md "Domain storage notes"). */
export async function refreshMasks(run: Run, householdIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(householdIds)];
  for (let i = 0; i < ids.length; i += MASK_BATCH) {
    const slice = ids.slice(i, i + MASK_BATCH);
    const byHousehold = new Map<string, bulk.MaskRow[]>(slice.map((id) => [id, []]));
    for (const row of await bulk.categoriesOf(run.exec, slice)) byHousehold.get(row.householdId)!.push(row);
    await bulk.updateMasks(run.exec, [...byHousehold].map(([id, rows]) => ({ id, ...listMasks(rows, run.ctx.config.roundMin) })));
  }
}
