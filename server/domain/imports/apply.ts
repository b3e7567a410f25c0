/**
 * Applies validated survey rows to the registry in bulk: households keyed by (ward code, household code),
 * assessments by household + round. Unchanged rows write nothing and leave no audit row; changed rows are written in
 * batches (bulk-repository.ts) and audited in the same transaction; the list masks of every touched household are
 * recomputed (listMasks). `mode: 'dry'` runs the same comparison without writing (the import's dry-run summary).
 * Independent of files: the import passes a source reading its NDJSON, the demo generator an array built in memory.
 */
import type { Ctx } from '../../context.ts';
import type { Executor, Tx } from '../../db/client.ts';
import { inTransaction } from '../../db/tx.ts';
import { recordAuditMany, type AuditEvent } from '../audit/repository.ts';
import { bumpDataVersion } from '../data-version.ts';
import { evaluateAssessment, listMasks } from '../assessments/rules.ts';
import { loadCriteriaResolver } from '../criteria/service.ts';
import { searchTextOf, type Member } from '../households/rules.ts';
import * as bulk from './bulk-repository.ts';
import { approvedKeys } from '../rounds/guard.ts';
import { roundApproved } from '../rounds/rules.ts';
import { emptyCategories, emptyCounts, householdKey, type CategoryCounts, type Counts, type ImportError, type ImportRow } from './types.ts';
import { registryIdWarnings } from './id-warnings.ts';

export type ApplyCtx = Pick<Ctx, 'db' | 'config' | 'actor' | 'requestId'>;

/** Rows in batches; `final` must be set on the last row of each household (arraySource does it). */
export interface RowSource {
  batches(): AsyncIterable<ImportRow[]>;
}

export interface ApplyOptions {
  importId?: string | null;
  mode?: 'write' | 'dry';
  batchSize?: number;
  /** assessments.source of written rows. */
  source?: string;
  onProgress?: (doneRows: number) => void;
  /** Dry run only: row warnings found against the registry (ID numbers of other active households). */
  onWarnings?: (warnings: ImportError[]) => Promise<void>;
}

export interface ApplyResult {
  households: Counts;
  assessments: Counts;
  categories: CategoryCounts;
  nationalCategories: CategoryCounts;
}

const DEFAULT_BATCH = 2000;

/** Stable JSON (sorted keys): jsonb hands keys back in its own order, so plain JSON.stringify would see changes. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}

/** An in-memory array as a source, marking each household's last row as `final`. */
export function arraySource(rows: ImportRow[], batchSize = DEFAULT_BATCH): RowSource {
  const last = new Map<string, number>();
  rows.forEach((r, i) => last.set(householdKey(r), i));
  return {
    async *batches() {
      for (let i = 0; i < rows.length; i += batchSize) {
        yield rows.slice(i, i + batchSize).map((r, j) => ({ ...r, final: last.get(householdKey(r)) === i + j }));
      }
    },
  };
}

/** Applies the rows in one transaction (all or nothing). */
export async function applyRows(ctx: ApplyCtx, rows: ImportRow[] | RowSource, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const source = Array.isArray(rows) ? arraySource(rows, opts.batchSize) : rows;
  if (opts.mode === 'dry') return applyRowsWith(ctx.db, ctx, source, opts);
  return inTransaction(ctx.db, (tx) => applyRowsWith(tx, ctx, source, opts));
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

interface Known {
  id: string | null;
  area: 'urban' | 'rural';
  members: Member[];
}

const householdFields = (r: ImportRow, members: Member[]) => ({
  wardCode: r.wardCode,
  householdCode: r.householdCode,
  headName: r.headName,
  headIdNumber: r.headIdNumber,
  address: r.address,
  area: r.area,
  members,
  searchText: searchTextOf({ ...r, members }),
  ethnicGroup: r.ethnicGroup ?? null,
});

/** Runs the comparison (and the writes unless dry) on `exec` — a transaction when writing. */
export async function applyRowsWith(exec: Executor | Tx, ctx: ApplyCtx, source: RowSource, opts: ApplyOptions): Promise<ApplyResult> {
  const write = opts.mode !== 'dry';
  const by = ctx.actor.username;
  const importId = opts.importId ?? null;
  const meta = importId ? { importId } : undefined;
  const out: ApplyResult = { households: emptyCounts(), assessments: emptyCounts(), categories: emptyCategories(), nationalCategories: emptyCategories() };
  const resolver = await loadCriteriaResolver(exec, ctx.config);
  // Dry runs write nothing, so households that would be created or changed are remembered for the second pass.
  const pending = new Map<string, Known>();
  const touched = new Set<string>();
  const wards = new Set<string>();

  // Pass 1 — households: only each household's final row carries its fields.
  for await (const batch of source.batches()) {
    const finals = batch.filter((r) => r.final);
    if (!write && opts.onWarnings) await opts.onWarnings(await registryIdWarnings(exec, ctx.actor, finals));
    const existing = new Map((await bulk.findHouseholdsByKeys(exec, finals)).map((h) => [householdKey(h), h]));
    const inserts: bulk.HouseholdWrite[] = [];
    const updates: (bulk.HouseholdWrite & { id: string })[] = [];
    const events: AuditEvent[] = [];
    for (const r of finals) {
      wards.add(r.wardCode);
      const ex = existing.get(householdKey(r));
      const members = r.members ?? ex?.members ?? [];
      const next = householdFields(r, members);
      if (!ex) {
        out.households.new++;
        inserts.push(next);
        if (!write) pending.set(householdKey(r), { id: null, area: r.area, members });
        continue;
      }
      const changed: string[] = (['headName', 'headIdNumber', 'address', 'area'] as const).filter((k) => ex[k] !== next[k]);
      if (next.ethnicGroup !== null && next.ethnicGroup !== ex.ethnicGroup) changed.push('ethnicGroup');
      if (stableJson(ex.members) !== stableJson(members)) changed.push('members' as never);
      if (changed.length === 0) {
        out.households.unchanged++;
        continue;
      }
      out.households.updated++;
      updates.push({ ...next, id: ex.id });
      if (!write) pending.set(householdKey(r), { id: ex.id, area: r.area, members });
      const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, o[k]]));
      events.push({ action: 'update', entity: 'household', entityId: ex.id, wardCode: r.wardCode, before: pick(ex as never), after: pick(next), meta });
    }
    if (!write) continue;
    const created = await bulk.insertHouseholds(exec, inserts, by);
    for (const c of created) {
      events.push({ action: 'create', entity: 'household', entityId: c.id, wardCode: c.wardCode, after: { householdCode: c.householdCode }, meta });
    }
    await bulk.updateHouseholds(exec, updates, by);
    await recordAuditMany(exec, ctx, events);
  }

  // Pass 2 — assessments, classified with the household as it now stands. Rows of approved ward lists were refused
  // at validation; one approved since then fails the whole commit (nothing half-written).
  const frozen = write ? await approvedKeys(exec) : new Set<string>();
  let done = 0;
  for await (const batch of source.batches()) {
    const keys = [...new Map(batch.map((r) => [householdKey(r), r])).values()];
    const found = new Map((await bulk.findHouseholdsByKeys(exec, keys)).map((h) => [householdKey(h), h]));
    const planned = batch.map((r) => {
      if (frozen.has(`${r.wardCode}/${r.round}`)) throw roundApproved(r.wardCode, r.round);
      const key = householdKey(r);
      const h: Known = pending.get(key) ?? (found.get(key) as Known);
      const ev = evaluateAssessment(resolver(r.round), { area: h.area, members: h.members }, { ...r, facts: r.facts });
      out.categories[ev.cityCategory]++;
      out.nationalCategories[ev.nationalCategory]++;
      const next: bulk.AssessmentWrite = {
        householdId: h.id ?? '', round: r.round, incomeAmount: r.income.amount, incomePer: r.income.per, deprivations: ev.deprivations,
        facts: ev.facts, surveyor: r.surveyor, surveyedAt: r.surveyedAt, members: h.members, area: h.area, results: ev.results, cityCategory: ev.cityCategory, nationalCategory: ev.nationalCategory,
      };
      return { r, next };
    });
    const existing = new Map(
      (await bulk.findAssessments(exec, planned.filter((p) => p.next.householdId).map((p) => p.next))).map((a) => [`${a.householdId}|${a.round}`, a]),
    );
    const inserts: bulk.AssessmentWrite[] = [];
    const updates: (bulk.AssessmentWrite & { id: string })[] = [];
    const events: AuditEvent[] = [];
    for (const { r, next } of planned) {
      const ex = existing.get(`${next.householdId}|${next.round}`);
      if (!ex) {
        out.assessments.new++;
        inserts.push(next);
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
      const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, o[k]]));
      events.push({ action: 'update', entity: 'assessment', entityId: ex.id, wardCode: r.wardCode, before: pick(ex as never), after: pick(now as never), meta });
    }
    done += batch.length;
    opts.onProgress?.(done);
    if (!write) continue;
    const created = await bulk.insertAssessments(exec, inserts, opts.source ?? 'import', importId);
    const wardOf = new Map(planned.map((p) => [p.next.householdId, p.r.wardCode]));
    for (const c of created) {
      events.push({ action: 'create', entity: 'assessment', entityId: c.id, wardCode: wardOf.get(c.householdId) ?? null, after: { householdId: c.householdId, round: c.round }, meta });
    }
    await bulk.updateAssessments(exec, updates, opts.source ?? 'import', importId);
    await recordAuditMany(exec, ctx, events);
    for (const p of [...inserts, ...updates]) touched.add(p.householdId);
  }

  // Pass 3 — list masks of the touched households (docs/ARCHITECTURE.md "Domain storage notes").
  const ids = [...touched];
  for (let i = 0; i < ids.length; i += DEFAULT_BATCH) {
    const slice = ids.slice(i, i + DEFAULT_BATCH);
    const byHousehold = new Map<string, bulk.MaskRow[]>(slice.map((id) => [id, []]));
    for (const row of await bulk.categoriesOf(exec, slice)) byHousehold.get(row.householdId)!.push(row);
    await bulk.updateMasks(exec, [...byHousehold].map(([id, rows]) => ({ id, ...listMasks(rows, ctx.config.roundMin) })));
  }
  // Reports and household counts of these wards are cached against the data version (server/domain/data-version.ts).
  if (write) await bumpDataVersion(exec, [...wards]);
  return out;
}
