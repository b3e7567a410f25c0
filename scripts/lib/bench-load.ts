/**
 * Benchmark 3 — HTTP load with autocannon against the API server process: household list pages (cycling through
 * wards and pages, as officers paging through lists do) and the rates report, at 10 and 50 connections. The load
 * generator runs on the same machine and shares its CPUs with the server, which the results must say.
 */
import autocannon from 'autocannon';
import type { BenchServer } from './bench-server.ts';

export interface LoadRunResult {
  target: 'households' | 'report';
  connections: number;
  durationS: number;
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  goalMet?: boolean;
}

/** 500 req/s at p99 < 50 ms for household pages (issue 8). */
export const HOUSEHOLD_GOAL = { reqPerSec: 500, p99Ms: 50 };

function householdPaths(wards: string[]): string[] {
  const paths: string[] = [];
  for (let page = 1; page <= 10; page++) {
    for (const ward of wards) paths.push(`/api/households?ward=${ward}&round=2017&standard=city&page=${page}&pageSize=50`);
  }
  return paths;
}

export async function runLoad(server: BenchServer, target: LoadRunResult['target'], connections: number, durationS: number, wards: string[]): Promise<LoadRunResult> {
  const paths = target === 'households' ? householdPaths(wards) : ['/api/reports/rates?round=2017&standard=city'];
  let next = 0;
  const result = await autocannon({
    url: server.baseUrl,
    connections,
    duration: durationS,
    headers: { authorization: `Bearer ${server.token}` },
    requests: [
      {
        setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }),
      },
    ],
  });
  const out: LoadRunResult = {
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
  // Requests still queued in the server when the run ends would slow the next run: wait until it answers again.
  await server.get('/api/health');
  if (target === 'households') out.goalMet = out.reqPerSec >= HOUSEHOLD_GOAL.reqPerSec && out.p99Ms < HOUSEHOLD_GOAL.p99Ms && out.errors === 0 && out.non2xx === 0;
  return out;
}

/** Checks a path answers 200 before loading it (a 4xx storm would measure nothing). */
export async function assertServes(server: BenchServer, path: string): Promise<void> {
  const res = await server.get(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
}
