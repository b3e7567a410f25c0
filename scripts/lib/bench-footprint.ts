/**
 * Benchmark 4 — the embedded server's footprint (issue 14): on an empty PGlite folder, the server is started once
 * (initdb, first-start seed) and stopped, then restarted as `npm start` runs it (compiled JavaScript, scripts/start.mjs)
 * and from the sources through tsx (`npm run dev`). Figures: time from spawn to the first answer of /api/health, and
 * the API process's resident memory (VmRSS) after 3 s idle.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, npmStartArgs } from './bench-server.ts';
import { procMemory } from './bench-machine.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface StartFigures {
  firstAnswerMs: number;
  idleRssMiB: number;
  peakRssMiB: number;
}

export interface FootprintResult {
  firstStart: StartFigures;
  restartCompiled: StartFigures;
  restartTsx: StartFigures;
}

const COMMANDS = {
  compiled: npmStartArgs(),
  tsx: ['--import', 'tsx', path.join(ROOT, 'server/main.ts')],
};

async function startOnce(dataDir: string, how: keyof typeof COMMANDS): Promise<StartFigures> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, COMMANDS[how], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', ADMIN_PASSWORD: 'bench-admin-password-1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${stderr}`);
      if (performance.now() - t0 > 300_000) throw new Error(`server did not answer: ${stderr}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const firstAnswerMs = Math.round(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 3000));
    const mem = procMemory(child.pid!);
    return { firstAnswerMs, idleRssMiB: mem?.rssMiB ?? Number.NaN, peakRssMiB: mem?.peakMiB ?? Number.NaN };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}

export async function footprintBench(scratchDir: string): Promise<FootprintResult> {
  const dataDir = path.join(scratchDir, 'footprint-data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  try {
    const firstStart = await startOnce(dataDir, 'compiled');
    const restartCompiled = await startOnce(dataDir, 'compiled');
    const restartTsx = await startOnce(dataDir, 'tsx');
    return { firstStart, restartCompiled, restartTsx };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
