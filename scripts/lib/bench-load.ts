/**
 * Benchmark 3 — HTTP load with autocannon against the API server process. Every run is reported next to the floor
 * (`GET /api/auth/me`: authentication + JSON + one indexed lookup) measured in the same series, as a ratio, because
 * the machine is shared and absolute figures move with its load. Targets: household list pages (with and without a
 * round, one category, deep pages reached through the pager's cursor), accent-free search, and the rates report.
 * The load generator runs on the same machine and shares its CPUs with the server, which the results must say.
 */
import autocannon from 'autocannon';
import type { BenchServer } from './bench-server.ts';

export const LOAD_TARGETS = ['floor', 'households', 'households-round', 'households-category', 'deep-pages', 'search', 'report'] as const;
export type LoadTarget = (typeof LOAD_TARGETS)[number];

export interface LoadRunResult {
  target: LoadTarget;
  connections: number;
  durationS: number;
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** req/s ÷ the floor's req/s of the same series. */
  ratioToFloor?: number;
  goal?: { minRatio: number; maxP99Ms: number };
  goalMet?: boolean;
}

/** Issue 14: list, search and report ≥ 0.5× floor at p99 < 50 ms on a server; ≥ 0.3× at p99 < 100 ms on PGlite. */
export function goalFor(target: LoadTarget, engine: string, connections: number): LoadRunResult['goal'] {
  if (target === 'floor' || connections !== 10) return undefined;
  if (target === 'report') return { minRatio: engine === 'postgres' ? 0.5 : 0.3, maxP99Ms: Number.POSITIVE_INFINITY };
  return engine === 'postgres' ? { minRatio: 0.5, maxP99Ms: 50 } : { minRatio: 0.3, maxP99Ms: 100 };
}

export const SEARCH_TERMS = ['nguyen van', 'tran thi lan', 'le van hung', 'pham thi', 'vo minh'];
const list = (ward: string, extra: string) => `/api/households?ward=${ward}&pageSize=50${extra}`;

/** Deep pages: the last pages of each ward's round list, reached as the client's pager does (cursor + page number). */
async function deepPaths(server: BenchServer, wards: string[]): Promise<string[]> {
  const paths: string[] = [];
  for (const ward of wards) {
    const first = await server.get(list(ward, '&round=2017&standard=city&page=1'));
    const pages = Math.ceil(((first.body as { meta: { total: number } }).meta.total || 1) / 50);
    for (let page = Math.max(2, pages - 4); page <= pages; page++) {
      // One OFFSET request per set-up page (a bookmark); its `next` cursor is what the pager's link carries.
      const before = await server.get(list(ward, `&round=2017&standard=city&page=${page - 1}`));
      const next = (before.body as { meta: { nextCursor?: string | null } }).meta.nextCursor;
      paths.push(list(ward, `&round=2017&standard=city&page=${page}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`));
    }
  }
  return paths;
}

export async function pathsFor(server: BenchServer, target: LoadTarget, wards: string[]): Promise<string[]> {
  const pages = (n: number, extra: string) => Array.from({ length: n }, (_, i) => wards.map((w) => list(w, `${extra}&page=${i + 1}`))).flat();
  switch (target) {
    case 'floor':
      return ['/api/auth/me'];
    case 'households':
      return pages(10, '');
    case 'households-round':
      return pages(10, '&round=2017&standard=city');
    case 'households-category':
      return pages(2, '&round=2017&standard=city&category=poor');
    case 'deep-pages':
      return deepPaths(server, wards);
    case 'search':
      return SEARCH_TERMS.flatMap((q) => wards.map((w) => list(w, `&q=${encodeURIComponent(q)}&page=1`)));
    case 'report':
      return ['/api/reports/rates?round=2017&standard=city'];
  }
}

export async function runLoad(server: BenchServer, target: LoadTarget, connections: number, durationS: number, wards: string[]): Promise<LoadRunResult> {
  const paths = await pathsFor(server, target, wards);
  for (const p of paths.slice(0, 3)) await assertServes(server, p);
  let next = 0;
  const result = await autocannon({
    url: server.baseUrl,
    connections,
    duration: durationS,
    headers: { authorization: `Bearer ${server.token}` },
    requests: [{ setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) }],
  });
  // Requests still queued in the server when the run ends would slow the next run: wait until it answers again.
  await server.get('/api/health');
  return {
    target,
    connections,
    durationS,
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Every target at 10 connections (the floor first), then the floor, household pages and report at 50. */
export async function runLoadSeries(server: BenchServer, engine: string, durationS: number, wards: string[], targets: readonly LoadTarget[], log: (line: string) => void): Promise<LoadRunResult[]> {
  const runs: LoadRunResult[] = [];
  const plan: [LoadTarget, number][] = [...targets.map((t) => [t, 10] as [LoadTarget, number]), ...(['floor', 'households-round', 'report'] as const).filter((t) => targets.includes(t)).map((t) => [t, 50] as [LoadTarget, number])];
  const floorOf = new Map<number, number>();
  for (const [target, connections] of plan) {
    const run = await runLoad(server, target, connections, durationS, wards);
    if (target === 'floor') floorOf.set(connections, run.reqPerSec);
    const floor = floorOf.get(connections);
    if (floor) run.ratioToFloor = Math.round((run.reqPerSec / floor) * 100) / 100;
    run.goal = goalFor(target, engine, connections);
    if (run.goal) run.goalMet = (run.ratioToFloor ?? 0) >= run.goal.minRatio && run.p99Ms < run.goal.maxP99Ms && run.errors === 0 && run.non2xx === 0;
    log(`  load ${target} ×${connections}: ${run.reqPerSec} req/s (${run.ratioToFloor ?? '—'}× floor), p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, errors ${run.errors}, non-2xx ${run.non2xx}`);
    runs.push(run);
  }
  return runs;
}

/** Checks a path answers 200 before loading it (a 4xx storm would measure nothing). */
export async function assertServes(server: BenchServer, path: string): Promise<void> {
  const res = await server.get(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
}
