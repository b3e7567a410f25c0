/**
 * Applies validated survey rows to the registry in bulk: households keyed by (ward code, household code),
 * assessments by household + round. Unchanged rows write nothing and leave no audit row; changed rows are written in
 * batches (bulk-repository.ts) and audited in the same transaction; the list masks of every touched household are
 * recomputed (listMasks). `mode: 'dry'` runs the same comparison without writing (the import's dry-run summary).
 * Independent of files: the import passes a source reading its NDJSON, the demo generator an array built in memory.
 *
 * Households with one row in the file (one round per file: the usual survey) are finished in the batch of that row —
 * household, assessment, masks — so the source is read once; a new one is inserted with its masks already set.
 * Households with several rows (several rounds) get their assessments in a second read, once every household row
 * has been written, and their masks after that (issue 14: the commit read and classified every row twice).
 */
import type { Ctx } from '../../context.ts';
import type { Executor, Tx } from '../../db/client.ts';
import { inTransaction } from '../../db/tx.ts';
import { recordAuditMany, type AuditEvent } from '../audit/repository.ts';
import { bumpDataVersion } from '../data-version.ts';
import { listMasks } from '../assessments/rules.ts';
import { loadCriteriaResolver } from '../criteria/service.ts';
import { searchTextOf, type Member } from '../households/rules.ts';
import * as bulk from './bulk-repository.ts';
import { approvedKeys } from '../rounds/guard.ts';
import { householdKey, type ImportError, type ImportRow } from './types.ts';
import { registryIdWarnings } from './id-warnings.ts';
import { applyAssessments, emptyResult, planAssessment, refreshMasks, stableJson, type ApplyResult, type Known, type Planned, type Run } from './apply-steps.ts';

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

/**
 * Rows per batch of an import's dry run and commit. Each batch's JSON documents are parsed inside PGlite's WASM heap,
 * which grows to the largest one and never shrinks: 1,000 rows keep the API process's peak lower than 2,000 did
 * (issue 14: peak RSS ≤ 400 MiB), for twice the statements (a few more milliseconds each on PostgreSQL).
 */
export const IMPORT_BATCH = 1000;

/** An in-memory array as a source, marking each household's last row as `final`. */
export function arraySource(rows: ImportRow[], batchSize = IMPORT_BATCH): RowSource {
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

const householdFields = (r: ImportRow, members: Member[]): bulk.HouseholdWrite => ({
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

/** Per call: households with several rows in the file, and (dry run) how those would stand after pass 1. */
interface Pass1State {
  multi: Set<string>;
  pending: Map<string, Known>;
  wards: Set<string>;
}

/**
 * One batch of pass 1: the households of the batch's final rows, then the assessments of those that have only this
 * row. Returns the existing households whose assessments changed (their masks need the stored rounds too).
 */
async function applyHouseholdBatch(run: Run, finals: ImportRow[], st: Pass1State): Promise<string[]> {
  const { exec, out, meta } = run;
  const existing = new Map((await bulk.findHouseholdsByKeys(exec, finals)).map((h) => [householdKey(h), h]));
  const inserts: bulk.HouseholdWrite[] = [];
  const updates: (bulk.HouseholdWrite & { id: string })[] = [];
  const events: AuditEvent[] = [];
  const fresh = new Map<string, Planned>();
  const planned: Planned[] = [];
  for (const r of finals) {
    st.wards.add(r.wardCode);
    const key = householdKey(r);
    const single = !st.multi.has(key);
    const ex = existing.get(key);
    const members = r.members ?? ex?.members ?? [];
    const next = householdFields(r, members);
    if (!ex) {
      out.households.new++;
      inserts.push(next);
      if (single) {
        // Its only assessment is this row: the masks are known before the insert (no update of the new row after).
        const p = planAssessment(run, r, { id: null, area: r.area, members }, true);
        next.masks = listMasks([p.next], run.ctx.config.roundMin);
        fresh.set(key, p);
      } else if (!run.write) st.pending.set(key, { id: null, area: r.area, members });
      continue;
    }
    // Classified with the household as it stands after this import (its area and members from this row).
    if (single) planned.push(planAssessment(run, r, { id: ex.id, area: r.area, members }, false));
    const changed: string[] = (['headName', 'headIdNumber', 'address', 'area'] as const).filter((k) => ex[k] !== next[k]);
    if (next.ethnicGroup !== null && next.ethnicGroup !== ex.ethnicGroup) changed.push('ethnicGroup');
    if (stableJson(ex.members) !== stableJson(members)) changed.push('members');
    if (changed.length === 0) {
      out.households.unchanged++;
      continue;
    }
    out.households.updated++;
    updates.push({ ...next, id: ex.id });
    if (!run.write && !single) st.pending.set(key, { id: ex.id, area: r.area, members });
    const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, o[k]]));
    events.push({ action: 'update', entity: 'household', entityId: ex.id, wardCode: r.wardCode, before: pick(ex as never), after: pick(next as never), meta });
  }
  if (run.write) {
    for (const c of await bulk.insertHouseholds(exec, inserts, run.ctx.actor.username)) {
      events.push({ action: 'create', entity: 'household', entityId: c.id, wardCode: c.wardCode, after: { householdCode: c.householdCode }, meta });
      const p = fresh.get(householdKey(c));
      if (p) p.next.householdId = c.id;
    }
    await bulk.updateHouseholds(exec, updates, run.ctx.actor.username);
    await recordAuditMany(exec, run.ctx, events);
  }
  return applyAssessments(run, [...planned, ...fresh.values()]);
}

/** Runs the comparison (and the writes unless dry) on `exec` — a transaction when writing. */
export async function applyRowsWith(exec: Executor | Tx, ctx: ApplyCtx, source: RowSource, opts: ApplyOptions): Promise<ApplyResult> {
  const write = opts.mode !== 'dry';
  const importId = opts.importId ?? null;
  const run: Run = {
    exec, ctx, write, importId,
    meta: importId ? { importId } : undefined,
    source: opts.source ?? 'import',
    resolver: await loadCriteriaResolver(exec, ctx.config),
    // Rows of approved ward lists were refused at validation; one approved since then fails the whole commit.
    frozen: write ? await approvedKeys(exec) : new Set<string>(),
    out: emptyResult(),
  };
  const st: Pass1State = { multi: new Set(), pending: new Map(), wards: new Set() };
  const touched = new Set<string>();
  let done = 0;

  // Pass 1 — households (only each household's final row carries its fields), and whole households of one row.
  for await (const batch of source.batches()) {
    // A household's rows before its final one mark it as having several (they come first, so it is known in time).
    for (const r of batch) if (!r.final) st.multi.add(householdKey(r));
    const finals = batch.filter((r) => r.final);
    if (!write && opts.onWarnings) await opts.onWarnings(await registryIdWarnings(exec, ctx.actor, finals));
    for (const id of await applyHouseholdBatch(run, finals, st)) touched.add(id);
    done += finals.filter((r) => !st.multi.has(householdKey(r))).length;
    opts.onProgress?.(done);
  }

  // Pass 2 — assessments of households with several rows, classified with the household as it now stands.
  if (st.multi.size > 0) {
    for await (const batch of source.batches()) {
      const rows = batch.filter((r) => st.multi.has(householdKey(r)));
      if (rows.length === 0) continue;
      const keys = [...new Map(rows.map((r) => [householdKey(r), r])).values()];
      const found = new Map((await bulk.findHouseholdsByKeys(exec, keys)).map((h) => [householdKey(h), h]));
      const planned = rows.map((r) => planAssessment(run, r, st.pending.get(householdKey(r)) ?? (found.get(householdKey(r)) as Known), false));
      for (const id of await applyAssessments(run, planned)) touched.add(id);
      done += rows.length;
      opts.onProgress?.(done);
    }
  }

  // Pass 3 — list masks of the households whose stored rounds take part (docs/ARCHITECTURE.md "Domain storage notes").
  if (write) await refreshMasks(run, touched);
  // Reports and household counts of these wards are cached against the data version (server/domain/data-version.ts).
  if (write) await bumpDataVersion(exec, [...st.wards]);
  return run.out;
}
