/**
 * Runs the workbook parser in a child process with its own memory cap (--max-old-space-size) and a time limit, so a
 * hostile or oversized file kills the child, never the API process. The child is killed when the limit passes or
 * when this process exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ParseJob, ParseResult } from './parse-workbook.ts';
import type { AnnotateJob } from './annotate.ts';
import type { ChildJob, WorkerMessage } from './parse-worker.ts';
import { failures, type ImportFailure } from './failures.ts';

export type ChildOutcome<T> = { ok: true; result: T } | { ok: false; failure: ImportFailure; detail?: string };
export type ParseOutcome = ChildOutcome<ParseResult>;

export interface RunOptions {
  memoryMb: number;
  timeoutSeconds: number;
  onProgress?: (processedRows: number, totalRows: number | null) => void;
}

// Compiled by `npm start` (dist/server), the worker is JavaScript beside this file; from the sources it needs tsx.
const COMPILED = import.meta.url.endsWith('.js');
const WORKER = fileURLToPath(new URL(COMPILED ? './parse-worker.js' : './parse-worker.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of children) c.kill('SIGKILL');
  });
}

export function runParser(job: ParseJob, opts: RunOptions): Promise<ParseOutcome> {
  return runInChild<ParseResult>({ kind: 'parse', ...job }, opts);
}

export function runAnnotate(job: AnnotateJob, opts: RunOptions): Promise<ChildOutcome<{ sheets: number }>> {
  return runInChild({ kind: 'annotate', ...job }, opts);
}

function runInChild<T>(job: ChildJob, opts: RunOptions): Promise<ChildOutcome<T>> {
  installExitHook();
  return new Promise((resolve) => {
    const child = fork(WORKER, [], {
      execArgv: [...(COMPILED ? [] : ['--import', TSX]), `--max-old-space-size=${opts.memoryMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    children.add(child);
    let outcome: ChildOutcome<T> | null = null;
    let timedOut = false;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutSeconds * 1000);
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.processedRows, m.totalRows);
      else if (m.type === 'done') outcome = { ok: true, result: m.result as T };
      else if (m.type === 'failed') outcome = { ok: false, failure: m.failure, detail: m.detail };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (timedOut) return resolve({ ok: false, failure: failures.timeout(opts.timeoutSeconds) });
      if (outcome) return resolve(outcome);
      // V8 aborts with "Reached heap limit" / "JavaScript heap out of memory" when --max-old-space-size is hit.
      if (/heap limit|out of memory|Allocation failed/i.test(stderr) || signal === 'SIGABRT' || code === 134) {
        return resolve({ ok: false, failure: failures.outOfMemory(opts.memoryMb) });
      }
      resolve({ ok: false, failure: failures.parserCrashed(), detail: `exit ${code ?? signal}` });
    });
    child.send({ ...job, memoryMb: opts.memoryMb });
  });
}
