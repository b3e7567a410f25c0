/**
 * Support of the reliability suite (issue 9): the figures each test records for docs/RELIABILITY.md, and memory
 * readings of child processes from /proc. The real server as a child process lives in faults-server.ts.
 *
 * SHN_FAULTS=full (set by `npm run test:faults`) selects the heavy variants and records figures into
 * test/faults/results.json; `npm test` runs the light variants and records nothing (the tree stays clean).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_DATABASE_URL } from './server.ts';

export const FULL = process.env.SHN_FAULTS === 'full';
export const RECORDING = FULL || process.env.SHN_FAULTS_RECORD === '1';
export const RESULTS_FILE = path.resolve('test/faults/results.json');
export type EngineName = 'PGlite' | 'PostgreSQL';
export const ENGINE: EngineName = TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

export interface FigureRecord {
  item: number;
  check: string;
  figure: string;
  engine: EngineName;
  passed: boolean;
  machine: string;
  commit: string;
  at: string;
}

let machineText: string | null = null;
export function machine(): string {
  machineText ??= `${os.cpus()[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'cpu'} · ${os.cpus().length} cores · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version}`;
  return machineText;
}

let commitText: string | null = null;
export function commit(): string {
  if (commitText) return commitText;
  try {
    commitText = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    commitText = 'unknown';
  }
  return commitText;
}

/** Figures of the running test; written with its outcome once it ends (root afterEach below). */
const pending: Omit<FigureRecord, 'passed'>[] = [];

/** Records a figure of the current test (item of issue 9, what was checked, the measured figure). */
export function figure(item: number, check: string, text: string): void {
  pending.push({ item, check, figure: text, engine: ENGINE, machine: machine(), commit: commit(), at: new Date().toISOString() });
  if (process.env.SHN_FAULTS_VERBOSE) console.log(`      [item ${item}] ${check}: ${text}`);
}

export function readResults(file = RESULTS_FILE): FigureRecord[] {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as FigureRecord[];
  } catch {
    return [];
  }
}

const recordedThisRun: FigureRecord[] = [];

/**
 * Replaces the stored records of this engine for every item measured in this run (checks renamed or dropped since
 * vanish with them); the other engine's records and items not run now stay as they were.
 */
function store(records: FigureRecord[]): void {
  recordedThisRun.push(...records);
  const items = new Set(recordedThisRun.map((r) => r.item));
  const kept = readResults().filter((x) => !(x.engine === ENGINE && items.has(x.item)));
  const all = [...kept, ...recordedThisRun];
  all.sort((a, b) => a.item - b.item || a.check.localeCompare(b.check) || a.engine.localeCompare(b.engine));
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(all, null, 1) + '\n');
}

// A root hook (outside mocha, e.g. in a script, there is no afterEach and nothing to record).
if (typeof afterEach === 'function') {
  afterEach(function () {
    if (pending.length === 0) return;
    const passed = this.currentTest?.state === 'passed';
    const records = pending.splice(0).map((p) => ({ ...p, passed }));
    if (RECORDING) store(records);
  });
}

// ── /proc readings ─────────────────────────────────────────────────────────────────────────────────────────
/** VmHWM (peak resident set) and VmRSS of a live process, in MiB; null once it is gone. */
export function memoryOf(pid: number): { hwmMiB: number; rssMiB: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { hwmMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
  } catch {
    return null;
  }
}

/** Direct children of a process (scanning /proc/<pid>/stat: field 4 is the parent pid). */
export function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) may hold spaces: parse after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) out.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** The command line of a live process ('' once it is gone). */
export function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Watches the import parser processes (children of `parent` running parse-worker.ts; not esbuild's service that tsx
 * starts lazily) and keeps the highest VmHWM seen per child. A child's peak is read until it exits; the last
 * ≤ `everyMs` of its life can escape the reading.
 */
export class ChildMemoryWatch {
  private peaks = new Map<number, number>();
  private timer: NodeJS.Timeout;
  constructor(
    private readonly parent: number,
    everyMs = 20,
    private readonly match = /parse-worker/,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    for (const pid of childrenOf(this.parent)) {
      if (!this.peaks.has(pid) && !this.match.test(commandOf(pid))) continue;
      const m = memoryOf(pid);
      if (m) this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, m.hwmMiB));
    }
  }

  /** Highest VmHWM (MiB) of any child seen since the last reset, and how many children were seen. */
  take(): { peakMiB: number; children: number } {
    this.sample();
    const r = { peakMiB: Math.max(0, ...this.peaks.values()), children: this.peaks.size };
    this.peaks.clear();
    return r;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const mib = (n: number) => `${Math.round(n)} MiB`;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
