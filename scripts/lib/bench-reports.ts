/**
 * Benchmark 2 — the rates report on registry-sized data. A data set is loaded through the bulk write path
 * (applyRows, in batches, timed), then the API server is started on it and GET /api/reports/rates is timed over 20
 * runs. The API's report covers one district (its deployment's); the city figure is the same grouped scan
 * (listMaskGroups + the report's assembly) over all 273 HCMC wards, timed in-process on the same engine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { configFor, type Config } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { openRegistry, type Registry } from '../../server/bootstrap.ts';
import { loadCriteriaResolver } from '../../server/domain/criteria/service.ts';
import { applyRows } from '../../server/domain/imports/apply.ts';
import { refreshStatistics } from '../../server/db/maintenance.ts';
import { importHcmcCatalogue } from '../../server/domain/units/service.ts';
import { hcmcCatalogue } from '../../server/domain/units/catalogue.ts';
import { importWardTotals } from '../../server/domain/units/totals-service.ts';
import { listMaskGroups } from '../../server/domain/reports/repository.ts';
import { countRound } from '../../server/domain/reports/rules.ts';
import { benchRowBatches, spread } from './bench-data.ts';
import { demoCtx, loadDemoDistrict } from './demo-load.ts';
import { BENCH_ADMIN_PASSWORD, startBenchServer, type BenchServer } from './bench-server.ts';
import { percentile } from './bench-machine.ts';
import type { Engine } from './bench-engines.ts';

export interface LoadResult {
  households: number;
  rows: number;
  rounds: number[];
  loadMs: number;
  rowsPerSecond: number;
}

export interface LatencyResult {
  runs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export const QUAN12_WARDS = ['26764', '26767', '26770', '26773', '26776', '26779', '26782', '26785', '26787', '26788', '26791'];

export function benchConfig(dataDir: string, databaseUrl: string | null): Config {
  return { ...configFor({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD }), databaseUrl };
}

/** Loads `totalHouseholds` over `wardCodes` (all rounds each) through applyRows; the registry stays open. */
export async function loadBenchData(registry: Registry, config: Config, wardCodes: string[], totalHouseholds: number, rounds: number[], progress: (line: string) => void): Promise<LoadResult> {
  const ctx = demoCtx(registry, 'bench-load');
  if (wardCodes.some((c) => !QUAN12_WARDS.includes(c))) await importHcmcCatalogue(ctx.db);
  for (const round of rounds) {
    // Denominators: ~4 % more households than registered, as in a real ward where not everyone is surveyed.
    const rows = spread(wardCodes, Math.round(totalHouseholds * 1.04)).map((w, i) => ({ row: i + 1, wardCode: w.code, households: w.households }));
    await importWardTotals(ctx, round, rows);
  }
  const resolve = await loadCriteriaResolver(ctx.db, config);
  const t0 = performance.now();
  let rows = 0;
  let lastReport = t0;
  for (const batch of benchRowBatches(resolve, spread(wardCodes, totalHouseholds), rounds, 5_000)) {
    await applyRows(ctx, batch, { importId: null, source: 'bench' });
    rows += batch.length;
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      progress(`    ${rows} rows, ${Math.round(rows / ((lastReport - t0) / 1000))} rows/s`);
    }
  }
  const loadMs = Math.round(performance.now() - t0);
  // As after an import commit: fresh planner statistics (PGlite never analyzes by itself; a server's autoanalyze
  // may not have run yet), so the measurements see the plans a settled registry gets.
  await refreshStatistics(ctx.db);
  return { households: totalHouseholds, rows, rounds, loadMs, rowsPerSecond: Math.round(rows / (loadMs / 1000)) };
}

/** Median and 95th percentile of `runs` timed calls after two warm-up calls. */
export async function latency(runs: number, call: () => Promise<void>): Promise<LatencyResult> {
  await call();
  await call();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  const r = (x: number) => Math.round(x * 10) / 10;
  return { runs, p50Ms: r(percentile(times, 50)), p95Ms: r(percentile(times, 95)), maxMs: r(Math.max(...times)) };
}

export async function reportLatency(server: BenchServer, runs: number): Promise<LatencyResult> {
  return latency(runs, async () => {
    const res = await server.get('/api/reports/rates?round=2017&standard=city');
    if (res.status !== 200) throw new Error(`report: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  });
}

/** The report's scan and assembly over every ward of the city (what a city-level report would run). */
export async function cityScanLatency(registry: Registry, runs: number): Promise<LatencyResult> {
  const codes = hcmcCatalogue().districts.flatMap((d) => d.wards.map((w) => w.code));
  const { db, config } = registry.deps;
  return latency(runs, async () => {
    const groups = await listMaskGroups(db, 'city', codes);
    countRound(groups, 2017, config.roundMin);
  });
}

export interface DatasetHandle {
  dataDir: string;
  databaseUrl: string | null;
  load: LoadResult;
  cityScan?: LatencyResult;
  /** Kept for the next run (never deleted by the benchmark). */
  kept?: boolean;
}

/**
 * Loads a data set into a fresh database of `engine` and closes it (the API server then opens it alone). With
 * `keepDir`, the loaded database is kept (a PGlite folder there, or a named database on the server) with a marker
 * holding its load figures, and the next run with the same label and size reuses it instead of loading again;
 * migrations added since are applied when the server opens it.
 */
export async function prepareDataset(engine: Engine, scratchDir: string, label: string, wardCodes: string[], households: number, rounds: number[], progress: (line: string) => void, measureCity = false, keepDir: string | null = null): Promise<DatasetHandle> {
  const keyName = `${label}${label === 'demo' ? '' : `${households}x${rounds.length}`}`;
  const marker = keepDir ? path.join(keepDir, `${engine.name}-${keyName}.json`) : null;
  const dataDir = keepDir ? path.join(keepDir, `${engine.name}-${keyName}-data`) : path.join(scratchDir, `${label}-data`);
  if (marker && fs.existsSync(marker)) {
    const kept = JSON.parse(fs.readFileSync(marker, 'utf8')) as DatasetHandle;
    progress(`    reusing the kept ${keyName} data set (${kept.databaseUrl ? 'database' : dataDir})`);
    return { ...kept, dataDir, kept: true };
  }
  const databaseUrl = engine.databaseUrl ? (keepDir ? await engine.keptDatabase(`keep_${keyName}`) : await engine.freshDatabase(label)) : null;
  if (keepDir) fs.rmSync(dataDir, { recursive: true, force: true });
  const config = benchConfig(dataDir, databaseUrl);
  const registry = await openRegistry(config, createLogger({ logLevel: 'warn' }), { announce: () => {} });
  try {
    const load = label === 'demo' ? await loadDemo(registry, config, progress) : await loadBenchData(registry, config, wardCodes, households, rounds, progress);
    const cityScan = measureCity ? await cityScanLatency(registry, 20) : undefined;
    const handle: DatasetHandle = { dataDir, databaseUrl, load, cityScan };
    if (marker) fs.writeFileSync(marker, JSON.stringify(handle, null, 2));
    return { ...handle, kept: !!marker };
  } finally {
    await registry.close();
  }
}

/** The synthetic Quận 12 of `npm run demo` (13,859 households, 2015–2020), loaded as the demo loads it. */
async function loadDemo(registry: Registry, config: Config, progress: (line: string) => void): Promise<LoadResult> {
  const t0 = performance.now();
  const r = await loadDemoDistrict(registry, config, BENCH_ADMIN_PASSWORD, (line) => progress(`    ${line}`));
  const loadMs = Math.round(performance.now() - t0);
  return { households: r.households, rows: r.assessments, rounds: [2015, 2016, 2017, 2018, 2019, 2020], loadMs, rowsPerSecond: Math.round(r.assessments / (loadMs / 1000)) };
}

export async function serveDataset(d: DatasetHandle): Promise<BenchServer> {
  return startBenchServer({ dataDir: d.dataDir, databaseUrl: d.databaseUrl });
}
