/**
 * Benchmark of issue 16 — one vs two app instances, with and without a streaming replica: household list pages and
 * the rates report under autocannon (the bench's runLoad), each configuration next to its floor measured in the same
 * run (`GET /api/settings` on one instance: the HTTP stack with no database work). With two instances the load is
 * split between them (half the connections each, run at once) and the rates are summed.
 */
import crypto from 'node:crypto';
import autocannon from 'autocannon';
import { runLoad, type LoadRunResult } from './bench-load.ts';
import { startBenchServer, type BenchServer } from './bench-server.ts';

export interface ScaleRow {
  config: string;
  instances: number;
  replica: boolean;
  target: 'households' | 'report';
  reqPerSec: number;
  p99Ms: number;
  errors: number;
  /** reqPerSec / floor req/s of the same run. */
  ratioToFloor: number;
  /** Reads the replica served / the primary served (from /api/health), during this run. */
  replicaReads?: { replica: number; primary: number };
}

export interface ScaleResult {
  floorReqPerSec: number;
  connections: number;
  durationS: number;
  rows: ScaleRow[];
}

async function floor(server: BenchServer, connections: number, durationS: number): Promise<number> {
  const r = await autocannon({ url: `${server.baseUrl}/api/settings`, connections, duration: durationS });
  return Math.round(r.requests.average);
}

async function readStats(servers: BenchServer[]): Promise<{ replica: number; primary: number }> {
  const all = await Promise.all(servers.map(async (s) => ((await s.get('/api/health')).body as { replica: { reads: { replica: number; primary: number } } | null }).replica?.reads ?? { replica: 0, primary: 0 }));
  return all.reduce((a, b) => ({ replica: a.replica + b.replica, primary: a.primary + b.primary }), { replica: 0, primary: 0 });
}

/** Runs the same load split over `servers`; sums req/s, keeps the worst p99. */
async function splitLoad(servers: BenchServer[], target: LoadRunResult['target'], connections: number, durationS: number, wards: string[]): Promise<Pick<ScaleRow, 'reqPerSec' | 'p99Ms' | 'errors'>> {
  const each = await Promise.all(servers.map((s) => runLoad(s, target, Math.max(1, Math.round(connections / servers.length)), durationS, wards)));
  return { reqPerSec: each.reduce((a, r) => a + r.reqPerSec, 0), p99Ms: Math.max(...each.map((r) => r.p99Ms)), errors: each.reduce((a, r) => a + r.errors + r.non2xx, 0) };
}

export async function runScaleBench(opts: { dataDirs: [string, string]; databaseUrl: string; readUrl: string; connections: number; durationS: number; wards: string[]; log: (line: string) => void }): Promise<ScaleResult> {
  const secret = crypto.randomBytes(32).toString('base64');
  const rows: ScaleRow[] = [];
  let floorReqPerSec = 0;
  for (const replica of [false, true]) {
    const env = (name: string) => ({ SESSION_SECRET: secret, INSTANCE_ID: `bench-${name}`, LOG_LEVEL: 'warn', DATABASE_READ_URL: replica ? opts.readUrl : '' });
    const servers = await Promise.all(opts.dataDirs.map((dir, i) => startBenchServer({ dataDir: dir, databaseUrl: opts.databaseUrl, env: env(String(i)) })));
    try {
      const f = await floor(servers[0]!, opts.connections, opts.durationS);
      if (!replica) floorReqPerSec = f;
      opts.log(`  floor (/api/settings, one instance${replica ? ', replica run' : ''}): ${f} req/s`);
      for (const instances of [1, 2]) {
        for (const target of ['households', 'report'] as const) {
          const used = servers.slice(0, instances);
          const before = await readStats(used);
          const r = await splitLoad(used, target, opts.connections, opts.durationS, opts.wards);
          const after = await readStats(used);
          const row: ScaleRow = {
            config: `${instances} instance${instances > 1 ? 's' : ''}${replica ? ' + replica' : ''}`,
            instances,
            replica,
            target,
            ...r,
            ratioToFloor: Math.round((r.reqPerSec / f) * 100) / 100,
            ...(replica ? { replicaReads: { replica: after.replica - before.replica, primary: after.primary - before.primary } } : {}),
          };
          rows.push(row);
          opts.log(`  ${row.config.padEnd(24)} ${target.padEnd(10)} ${String(r.reqPerSec).padStart(6)} req/s  p99 ${r.p99Ms} ms  ×floor ${row.ratioToFloor}${row.replicaReads ? `  reads replica/primary ${row.replicaReads.replica}/${row.replicaReads.primary}` : ''}`);
        }
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }
  return { floorReqPerSec, connections: opts.connections, durationS: opts.durationS, rows };
}
