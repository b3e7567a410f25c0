/**
 * The worker thread of sheet-reader.ts: exceljs' streaming read of the workbook (the zip inflation, the XML parse and
 * the cell values), posted to the parser in batches of rows while it validates the previous ones. At most IN_FLIGHT
 * messages wait unacknowledged, so a reader faster than the validation never piles rows up in memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import ExcelJS from './exceljs.ts';
import { rawOf } from './values.ts';
import type { ReaderMessage, ReadRow } from './sheet-reader.ts';

const BATCH = 500;
const IN_FLIGHT = 4;

let credits = IN_FLIGHT;
let wake: (() => void) | null = null;
parentPort!.on('message', (m: unknown) => {
  if (m !== 'ack') return;
  credits++;
  wake?.();
  wake = null;
});

async function send(message: ReaderMessage): Promise<void> {
  while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  parentPort!.postMessage(message);
}

function cellsOf(values: unknown): ReadRow['cells'] {
  const cells: ReadRow['cells'] = [];
  if (!Array.isArray(values)) return cells;
  for (let i = 1; i < values.length; i++) {
    const v = rawOf(values[i]);
    if (v !== null) cells.push([i, v]);
  }
  return cells;
}

async function read(file: string): Promise<void> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
  for await (const ws of reader) {
    await send({ type: 'sheet', name: (ws as unknown as { name?: string }).name ?? 'Sheet' });
    let rows: ReadRow[] = [];
    for await (const row of ws) {
      rows.push({ number: row.number, cells: cellsOf(row.values) });
      if (rows.length >= BATCH) {
        await send({ type: 'rows', rows });
        rows = [];
      }
    }
    if (rows.length) await send({ type: 'rows', rows });
  }
  await send({ type: 'end' });
}

read((workerData as { file: string }).file).catch((err: unknown) => {
  // The message of a malformed workbook's error goes to the parser, which reports it as PARSE_FAILED.
  parentPort!.postMessage({ type: 'error', message: String((err as Error)?.message ?? err).slice(0, 300) } satisfies ReaderMessage);
});
