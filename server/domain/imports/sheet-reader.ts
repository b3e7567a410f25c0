/**
 * Reads a workbook's sheets in a worker thread (sheet-reader-thread.ts) while the parser validates: exceljs' read and
 * the row validation each took about half of a parse, one after the other on one core (issue 14: a 20,000-row parse
 * took 8–9 s against 2.6 s for exceljs alone). Sheets come in file order, each with its rows in order, as exceljs
 * gives them; a sheet's rows must be read before asking for the next sheet (the rest are skipped otherwise).
 */
import { Worker } from 'node:worker_threads';
import { failures, ImportFailureError } from './failures.ts';
import type { Raw } from './values.ts';

export interface ReadRow {
  number: number;
  cells: [number, Raw | { error: string }][];
}

export type ReaderMessage = { type: 'sheet'; name: string } | { type: 'rows'; rows: ReadRow[] } | { type: 'end' } | { type: 'error'; message: string };

export interface ReadSheet {
  name: string;
  rows: AsyncIterable<ReadRow>;
}

// Compiled by `npm start`, the thread is JavaScript beside this file; from the sources a bootstrap registers tsx.
const COMPILED = import.meta.url.endsWith('.js');
const THREAD = new URL(COMPILED ? './sheet-reader-thread.js' : './sheet-reader-thread.ts', import.meta.url);
const BOOT = new URL('./thread-boot.mjs', import.meta.url);
const OUT_OF_MEMORY = 'ERR_WORKER_OUT_OF_MEMORY';

/** Messages in arrival order, acknowledged as they are taken (the thread's flow control). */
class Inbox {
  private readonly queue: ReaderMessage[] = [];
  private waiting: ((m: ReaderMessage) => void) | null = null;
  private held: ReaderMessage | null = null;
  constructor(
    private readonly ack: () => void,
    private readonly memoryMb: number | undefined,
  ) {}
  push(m: ReaderMessage): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(m);
    } else this.queue.push(m);
  }
  /** Puts a message back to be taken again (a sheet header seen by the previous sheet's row loop). */
  unshift(m: ReaderMessage): void {
    this.held = m;
  }
  async take(): Promise<ReaderMessage> {
    if (this.held) {
      const m = this.held;
      this.held = null;
      return m;
    }
    const m = this.queue.shift() ?? (await new Promise<ReaderMessage>((resolve) => (this.waiting = resolve)));
    if (m.type !== 'error') {
      this.ack();
      return m;
    }
    if (m.message === OUT_OF_MEMORY && this.memoryMb) throw new ImportFailureError(failures.outOfMemory(this.memoryMb));
    throw new Error(m.message);
  }
}

export async function* readSheets(file: string, memoryMb?: number): AsyncGenerator<ReadSheet> {
  const worker = new Worker(COMPILED ? THREAD : BOOT, {
    workerData: { file, entry: THREAD.href },
    ...(memoryMb ? { resourceLimits: { maxOldGenerationSizeMb: memoryMb } } : {}),
  });
  const inbox = new Inbox(() => worker.postMessage('ack'), memoryMb);
  worker.on('message', (m: ReaderMessage) => inbox.push(m));
  worker.on('error', (err: Error & { code?: string }) => {
    if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') inbox.push({ type: 'error', message: OUT_OF_MEMORY });
    else inbox.push({ type: 'error', message: String(err.message).slice(0, 300) });
  });
  worker.on('exit', () => inbox.push({ type: 'error', message: 'the workbook reader stopped' }));
  try {
    for (;;) {
      const m = await inbox.take();
      if (m.type === 'end') return;
      if (m.type !== 'sheet') continue; // rows of a sheet its reader left unread
      yield { name: m.name, rows: rowsOf(inbox) };
    }
  } finally {
    await worker.terminate();
  }
}

async function* rowsOf(inbox: Inbox): AsyncGenerator<ReadRow> {
  for (;;) {
    const m = await inbox.take();
    if (m.type !== 'rows') return inbox.unshift(m);
    yield* m.rows;
  }
}
