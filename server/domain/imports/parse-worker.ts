/**
 * Entry point of the import child process (forked by runner.ts with --max-old-space-size and a time limit). It runs
 * one job — parse a workbook, or write its annotated copy — reports progress, and answers with the result or a coded
 * failure. A file that blows the memory budget kills this process, not the API.
 */
import { parseWorkbook, type ParseJob } from './parse-workbook.ts';
import { annotateWorkbook, type AnnotateJob } from './annotate.ts';
import { failures, ImportFailureError } from './failures.ts';

export type ChildJob = ({ kind: 'parse' } & ParseJob) | ({ kind: 'annotate' } & AnnotateJob);

export type WorkerMessage =
  | { type: 'progress'; processedRows: number; totalRows: number | null }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; failure: ImportFailureError['failure']; detail?: string };

const send = (m: WorkerMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

/**
 * Buffers (zip inflation, exceljs' temp copies) live outside the V8 heap that --max-old-space-size caps, so the RSS
 * is watched too: the heap budget plus a fixed allowance for the runtime itself.
 */
function watchRss(memoryMb: number): void {
  const cap = (memoryMb + 192) * 1048576;
  setInterval(() => {
    if (process.memoryUsage.rss() > cap) void send({ type: 'failed', failure: failures.outOfMemory(memoryMb) }).finally(() => process.exit(71));
  }, 200).unref();
}

process.once('message', async (job: ChildJob & { memoryMb: number }) => {
  watchRss(job.memoryMb);
  try {
    let last = 0;
    const progress = (processedRows: number, totalRows: number | null) => {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      process.send!({ type: 'progress', processedRows, totalRows } satisfies WorkerMessage);
    };
    const result = job.kind === 'parse' ? await parseWorkbook(job, progress) : await annotateWorkbook(job);
    await send({ type: 'done', result });
  } catch (err) {
    if (err instanceof ImportFailureError) await send({ type: 'failed', failure: err.failure });
    else await send({ type: 'failed', failure: failures.parserCrashed(), detail: String((err as Error)?.message ?? err).slice(0, 300) });
  }
  process.exit(0);
});
