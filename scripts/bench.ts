/**
 * `npm run bench [-- --quick] [--only import,reports,load] [--engines pglite,postgres]`: the benchmarks of issue 8.
 * Prints a table and writes bench/results.json (machine, commit, engine, every figure). Never part of `npm test`.
 * --keep reuses loaded district databases between runs (bench/keep/); --targets floor,households,… picks load runs;
 * --pglite-datasets demo,district / --postgres-datasets district pick the data sets served.
 * Sizes: --import-rows (100000), --district (116000), --city (1000000), --city-rounds (2015,2016,2017),
 * --duration seconds per load run (20). --quick shrinks everything for a smoke run and writes bench/tmp/ instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './cli.ts';
import { gitCommit, machineInfo } from './lib/bench-machine.ts';
import { pgliteEngine, postgresEngine, type Engine } from './lib/bench-engines.ts';
import { benchWorkbook, runImportBench } from './lib/bench-import.ts';
import { QUAN12_WARDS, prepareDataset, reportLatency, serveDataset } from './lib/bench-reports.ts';
import { LOAD_TARGETS, runLoadSeries, type LoadTarget } from './lib/bench-load.ts';
import { hcmcCatalogue } from '../server/domain/units/catalogue.ts';
import { printSummary } from './lib/bench-report.ts';
import { footprintBench } from './lib/bench-footprint.ts';
import { writeLatency } from './lib/bench-writes.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { flags } = parseArgs(process.argv.slice(2));
const quick = flags.quick === true;
const num = (key: string, full: number, small: number) => (typeof flags[key] === 'string' ? Number(flags[key]) : quick ? small : full);
const sizes = {
  importRows: num('import-rows', 100_000, 5_000),
  district: num('district', 116_000, 11_600),
  city: num('city', 1_000_000, 27_300),
  cityRounds: typeof flags['city-rounds'] === 'string' ? flags['city-rounds'].split(',').map(Number) : [2015, 2016, 2017],
  districtRounds: [2015, 2016, 2017, 2018, 2019, 2020],
  durationS: num('duration', 20, 5),
  reportRuns: 20,
};
// --keep: the loaded district databases stay in bench/keep/ (and as named databases on the server) for the next run.
const keepDir = flags.keep === true ? path.join(ROOT, 'bench/keep') : null;
if (keepDir) fs.mkdirSync(keepDir, { recursive: true });
const listFlag = (key: string, all: readonly string[]) => (typeof flags[key] === 'string' ? (flags[key] as string).split(',') : [...all]);
const targets = listFlag('targets', LOAD_TARGETS) as LoadTarget[];
/** PGlite serves the demo district (its everyday size) and the 116k district; a server the 116k district. */
const datasetsFor = (engine: string) => listFlag(`${engine}-datasets`, engine === 'pglite' ? ['demo', 'district'] : ['district']);
const only = new Set(typeof flags.only === 'string' ? flags.only.split(',') : ['import', 'reports', 'load', 'writes', 'footprint']);
// The database server of DATABASE_URL (read once here, as every CLI does through its environment).
const databaseUrl = process.env.DATABASE_URL || '';
const engineNames = typeof flags.engines === 'string' ? flags.engines.split(',') : databaseUrl ? ['pglite', 'postgres'] : ['pglite'];
const tmp = path.join(ROOT, 'bench/tmp');
const outFile = typeof flags.out === 'string' ? path.resolve(flags.out) : quick ? path.join(tmp, 'results-quick.json') : path.join(ROOT, 'bench/results.json');
const log = (line: string) => process.stdout.write(line + '\n');

const results: Record<string, unknown> = {
  generatedAt: new Date().toISOString(),
  machine: machineInfo(),
  git: gitCommit(),
  quick,
  sizes,
  notes: [
    'The load generator (autocannon) and the API server share the same machine and CPUs.',
    'The API report covers one district (the deployment’s); "cityScan" is the same grouped scan over all 273 HCMC wards, in-process.',
  ],
  engines: {} as Record<string, unknown>,
};

async function runEngine(engine: Engine): Promise<Record<string, unknown>> {
  const scratch = path.join(tmp, `run-${engine.name}`);
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  const r: Record<string, unknown> = {};
  try {
    if (only.has('import')) {
      log(`[${engine.name}] import: ${sizes.importRows} rows (floor, then the full import through the API)…`);
      r.import = await runImportBench(engine, await benchWorkbook(tmp, sizes.importRows), scratch);
      log(`  ${JSON.stringify(r.import)}`);
    }
    if (only.has('footprint') && engine.name === 'pglite') {
      log(`[${engine.name}] footprint: first start, restart compiled (npm start), restart through tsx…`);
      r.footprint = await footprintBench(scratch);
      log(`  ${JSON.stringify(r.footprint)}`);
    }
    for (const label of datasetsFor(engine.name)) {
      if (!only.has('reports') && !only.has('load') && !only.has('writes')) break;
      const size = label === 'demo' ? 'the demo district (npm run demo)' : `${sizes.district} households × ${sizes.districtRounds.length} rounds through applyRows`;
      log(`[${engine.name}] ${label}: loading ${size}…`);
      const d = await prepareDataset(engine, scratch, label, QUAN12_WARDS, sizes.district, sizes.districtRounds, log, false, keepDir);
      log(`  loaded ${d.load.rows} rows in ${(d.load.loadMs / 1000).toFixed(1)} s (${d.load.rowsPerSecond} rows/s)`);
      // Started, stopped and started again: the second start is a restart of a loaded registry (the first may migrate
      // or run the criteria-schedule check once; a restart of the 116k PGlite district once took 23 s, issue 14).
      await (await serveDataset(d)).stop();
      const server = await serveDataset(d);
      try {
        const set: Record<string, unknown> = { load: d.load, restartFirstAnswerMs: server.firstAnswerMs, report: await reportLatency(server, sizes.reportRuns), apiPeakRssMiB: 0 };
        log(`  restart: first answer after ${server.firstAnswerMs} ms`);
        log(`  report: ${JSON.stringify(set.report)}`);
        r[label] = set; // kept even when a later step fails
        if (only.has('load')) set.loadRuns = await runLoadSeries(server, engine.name, sizes.durationS, QUAN12_WARDS, targets, log);
        if (only.has('writes')) {
          set.writes = await writeLatency(server, QUAN12_WARDS);
          log(`  writes: ${JSON.stringify(set.writes)}`);
        }
        set.apiPeakRssMiB = server.peakMiB();
        r[label] = set;
      } finally {
        await server.stop();
        if (!d.kept) fs.rmSync(d.dataDir, { recursive: true, force: true });
      }
    }
    if (only.has('reports')) {
      const cityWards = hcmcCatalogue().districts.flatMap((x) => x.wards.map((w) => w.code));
      log(`[${engine.name}] city: loading ${sizes.city} households over ${cityWards.length} wards × rounds ${sizes.cityRounds.join(',')}…`);
      const c = await prepareDataset(engine, scratch, 'city', cityWards, sizes.city, sizes.cityRounds, log, true);
      log(`  loaded ${c.load.rows} rows in ${(c.load.loadMs / 1000).toFixed(1)} s (${c.load.rowsPerSecond} rows/s); city scan ${JSON.stringify(c.cityScan)}`);
      const server = await serveDataset(c);
      try {
        r.city = { load: c.load, cityScan: c.cityScan, districtReportOnCityTable: await reportLatency(server, sizes.reportRuns), apiPeakRssMiB: server.peakMiB() };
        log(`  district report on the city-sized table: ${JSON.stringify((r.city as { districtReportOnCityTable: unknown }).districtReportOnCityTable)}`);
      } finally {
        await server.stop();
        fs.rmSync(c.dataDir, { recursive: true, force: true });
      }
    }
  } catch (err) {
    r.error = String((err as Error)?.stack ?? err);
    log(`[${engine.name}] FAILED: ${(err as Error)?.message}`);
  } finally {
    await engine.cleanup().catch((err) => log(`[${engine.name}] cleanup: ${(err as Error)?.message}`));
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return r;
}

const started = performance.now();
for (const name of engineNames) {
  if (name === 'postgres' && !databaseUrl) {
    log('postgres: DATABASE_URL is not set — skipped');
    continue;
  }
  (results.engines as Record<string, unknown>)[name] = await runEngine(name === 'postgres' ? postgresEngine(databaseUrl) : pgliteEngine());
  // Written after each engine, so a later failure never loses the figures already measured.
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
}
results.totalSeconds = Math.round((performance.now() - started) / 1000);
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
log('\n' + printSummary(results));
// A full run refreshes the table in docs/BENCHMARKS.md (between its markers); the prose there is written by hand.
const docs = path.join(ROOT, 'docs/BENCHMARKS.md');
if (!quick && outFile === path.join(ROOT, 'bench/results.json') && fs.existsSync(docs)) {
  const text = fs.readFileSync(docs, 'utf8');
  const updated = text.replace(/(<!-- bench:table:start -->\n)[\s\S]*?(\n<!-- bench:table:end -->)/, `$1${printSummary(results)}$2`);
  if (updated !== text) fs.writeFileSync(docs, updated);
}
log(`\nwritten: ${path.relative(ROOT, outFile)}`);
