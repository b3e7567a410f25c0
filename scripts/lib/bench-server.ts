/**
 * The API server as a separate process for the benchmarks (scripts/start.mjs, exactly what `npm start` runs), so its
 * memory can be read from /proc without the benchmark's own heap in it, plus a small JSON client with a bearer token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childPids, procMemory } from './bench-machine.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BENCH_ADMIN_PASSWORD = 'bench-admin-password-1';

/**
 * The node arguments of `npm start` as package.json spells them (its heap cap included), so the benchmarks measure
 * exactly the process `npm start` runs, without npm and a shell in between.
 */
export function npmStartArgs(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (node !== 'node') throw new Error(`npm start is not a plain node command: ${pkg.scripts.start}`);
  return args.map((a) => (a.startsWith('-') ? a : path.join(ROOT, a)));
}

export interface BenchServer {
  baseUrl: string;
  pid: number;
  token: string;
  /** Spawn to the first answer of /api/health, ms (includes a build of the server when a source changed). */
  firstAnswerMs: number;
  /** Peak RSS of the API process so far (VmHWM), MiB. */
  peakMiB(): number;
  /** Highest VmHWM seen among the API process's children (the import parser), MiB; sampled every 100 ms. */
  childPeakMiB(): number;
  get(url: string): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the server on `dataDir` (PGlite) or `databaseUrl`; resolves once /api/health answers and a token is issued. */
export async function startBenchServer(opts: { dataDir: string; databaseUrl?: string | null; env?: Record<string, string> }): Promise<BenchServer> {
  const port = await freePort();
  // `npm start`: the compiled server (built first when a source is newer).
  const child: ChildProcess = spawn(process.execPath, npmStartArgs(), {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: opts.dataDir,
      DATABASE_URL: opts.databaseUrl ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      DEMO_MODE: '0',
      ...opts.env,
    },
    // Request logs go nowhere but are still produced, as in a deployment that logs to stdout.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;

  const spawned = performance.now();
  const deadline = Date.now() + 300_000; // includes a build of the server when a source changed
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bench server exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline) throw new Error(`bench server did not start: ${stderr}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const firstAnswerMs = Math.round(performance.now() - spawned);
  const login = await fetch(`${baseUrl}/api/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }) });
  if (!login.ok) throw new Error(`bench login failed: ${login.status} ${await login.text()}`);
  const token = ((await login.json()) as { token: string }).token;

  let childPeak = 0;
  const sampler = setInterval(() => {
    for (const pid of childPids(child.pid!)) {
      const peak = procMemory(pid)?.peakMiB; // NaN while a child is exiting (no VmHWM line)
      if (peak !== undefined && Number.isFinite(peak)) childPeak = Math.max(childPeak, peak);
    }
  }, 100);

  return {
    baseUrl,
    pid: child.pid!,
    token,
    firstAnswerMs,
    peakMiB: () => procMemory(child.pid!)?.peakMiB ?? Number.NaN,
    childPeakMiB: () => childPeak,
    async get(url) {
      const res = await fetch(`${baseUrl}${url}`, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async stop() {
      clearInterval(sampler);
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
