/**
 * Benchmark 1 — the real import against its floor, on the same file in the same run. Full = what a user does through
 * the API: upload, parse in the child process, validate, classify under both standards, dry run, then commit with
 * audit; timed from the upload to `committed`, with the API process's peak RSS (VmHWM) and the parser's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeSurveyWorkbook } from './survey-workbook.ts';
import { measureFloor, type FloorResult } from './bench-floor.ts';
import { startBenchServer, type BenchServer } from './bench-server.ts';
import type { Engine } from './bench-engines.ts';

export interface ImportBenchResult {
  engine: string;
  rows: number;
  fileMiB: number;
  floor: FloorResult;
  full: { uploadMs: number; validateMs: number; commitMs: number; totalMs: number; status: string; summary: unknown };
  rowsPerSecond: { floor: number; full: number };
  ratio: number;
  apiPeakRssMiB: number;
  parserPeakRssMiB: number;
  goals: { ratioAtMost2: boolean; rssAtMost400: boolean };
}

/** The deterministic survey workbook (generated once, reused by later runs: bench/tmp is git-ignored). */
export async function benchWorkbook(dir: string, rows: number): Promise<string> {
  const file = path.join(dir, `survey-${rows}.xlsx`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    await writeSurveyWorkbook(`${file}.tmp`, { households: rows, rounds: [2017] });
    fs.renameSync(`${file}.tmp`, file);
  }
  return file;
}

async function waitFor(server: BenchServer, id: string, done: string[]): Promise<{ status: string; body: Record<string, unknown> }> {
  for (;;) {
    const res = await server.get(`/api/imports/${id}`);
    const body = res.body as Record<string, unknown>;
    const status = String(body?.status);
    if (res.status !== 200) throw new Error(`import status ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
    if (done.includes(status) || status === 'failed') return { status, body };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function post(server: BenchServer, url: string, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.baseUrl}${url}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, ...headers }, body });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function runImportBench(engine: Engine, file: string, scratchDir: string): Promise<ImportBenchResult> {
  const floorTarget = engine.databaseUrl ? { databaseUrl: await engine.freshDatabase('floor') } : { pgliteDir: path.join(scratchDir, 'floor-pgdata') };
  const floor = await measureFloor(file, floorTarget);

  const fileBytes = fs.statSync(file).size;
  const uploadLimitMb = Math.max(25, Math.ceil(fileBytes / 1048576) + 1);
  const serverOptions = {
    dataDir: path.join(scratchDir, 'import-data'),
    databaseUrl: engine.databaseUrl ? await engine.freshDatabase('import') : null,
    env: { UPLOAD_LIMIT_MB: String(uploadLimitMb), LOG_LEVEL: 'warn' },
  };
  // PGlite's first open of a folder (initdb) peaks near 800 MiB once per installation (stack-notes); start and stop
  // once so the measured process is a normal restart and its peak RSS belongs to the import.
  if (!engine.databaseUrl) await (await startBenchServer(serverOptions)).stop();
  const server = await startBenchServer(serverOptions);
  try {
    const t0 = performance.now();
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
    const created = await post(server, '/api/imports', form);
    const uploadMs = Math.round(performance.now() - t0);
    const validated = await waitFor(server, String(created.id), ['validated']);
    const validateMs = Math.round(performance.now() - t0) - uploadMs;
    if (validated.status !== 'validated') throw new Error(`import failed: ${JSON.stringify(validated.body).slice(0, 800)}`);
    const t1 = performance.now();
    const invalid = Number((validated.body.summary as { invalid?: number })?.invalid ?? 0);
    await post(server, `/api/imports/${created.id}/commit`, JSON.stringify(invalid > 0 ? { skipInvalid: true } : {}), { 'content-type': 'application/json' });
    const committed = await waitFor(server, String(created.id), ['committed']);
    const commitMs = Math.round(performance.now() - t1);
    const totalMs = Math.round(performance.now() - t0);
    const apiPeak = server.peakMiB();
    const ratio = Math.round((totalMs / floor.totalMs) * 100) / 100;
    return {
      engine: engine.name,
      rows: floor.rows,
      fileMiB: Math.round((fileBytes / 1048576) * 10) / 10,
      floor,
      full: { uploadMs, validateMs, commitMs, totalMs, status: committed.status, summary: committed.body.summary },
      rowsPerSecond: { floor: Math.round(floor.rows / (floor.totalMs / 1000)), full: Math.round(floor.rows / (totalMs / 1000)) },
      ratio,
      apiPeakRssMiB: apiPeak,
      parserPeakRssMiB: server.childPeakMiB(),
      goals: { ratioAtMost2: ratio <= 2, rssAtMost400: apiPeak <= 400 },
    };
  } finally {
    await server.stop();
  }
}
