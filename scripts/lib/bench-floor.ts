/**
 * The import's floor: the least work any importer must do with the same file — exceljs' streaming read of every cell,
 * then the raw rows inserted in bulk (INSERT … SELECT FROM unnest, the fastest path on both engines per
 * docs/stack-notes) into a scratch table, with no validation, classification, audit or masks. The raw driver is used on
 * purpose: this is a measuring stick, not registry code, and it must not pay any of the registry's overheads.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const BATCH = 20_000;

export interface FloorResult {
  rows: number;
  columns: number;
  readMs: number;
  insertMs: number;
  totalMs: number;
}

/** Streams the first sheet's rows as text cells (header row skipped). */
export async function readRawRows(file: string): Promise<string[][]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(fs.createReadStream(file), { entries: 'emit', sharedStrings: 'cache', worksheets: 'emit', styles: 'ignore', hyperlinks: 'ignore' });
  const rows: string[][] = [];
  for await (const sheet of reader) {
    let first = true;
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      if (first) {
        first = false;
        continue;
      }
      const values = row.values as unknown[];
      const cells: string[] = [];
      for (let i = 1; i < values.length; i++) cells.push(values[i] === null || values[i] === undefined ? '' : String(values[i]));
      rows.push(cells);
    }
    break;
  }
  return rows;
}

interface RawRunner {
  exec(text: string): Promise<void>;
  query(text: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

async function runnerFor(target: { pgliteDir: string } | { databaseUrl: string }): Promise<RawRunner> {
  if ('pgliteDir' in target) {
    const db = await PGlite.create(target.pgliteDir);
    return { exec: async (t) => void (await db.exec(t)), query: async (t, p) => void (await db.query(t, p)), close: () => db.close() };
  }
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  return { exec: async (t) => void (await client.query(t)), query: async (t, p) => void (await client.query(t, p)), close: () => client.end() };
}

/** Read + bulk insert of `file` on PGlite (a fresh folder) or PostgreSQL (a scratch table, dropped afterwards). */
export async function measureFloor(file: string, target: { pgliteDir: string } | { databaseUrl: string }): Promise<FloorResult> {
  const db = await runnerFor(target);
  try {
    const t0 = performance.now();
    const rows = await readRawRows(file);
    const readMs = Math.round(performance.now() - t0);
    const columns = Math.max(...rows.slice(0, 100).map((r) => r.length));
    const cols = Array.from({ length: columns }, (_, i) => `c${i}`);
    await db.exec(`drop table if exists bench_floor_rows; create table bench_floor_rows (${cols.map((c) => `${c} text`).join(', ')})`);
    const t1 = performance.now();
    await db.exec('begin');
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH);
      const arrays = cols.map((_, i) => batch.map((r) => r[i] ?? ''));
      await db.query(`insert into bench_floor_rows select * from unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(', ')})`, arrays);
    }
    await db.exec('commit');
    const insertMs = Math.round(performance.now() - t1);
    await db.exec('drop table bench_floor_rows');
    return { rows: rows.length, columns, readMs, insertMs, totalMs: readMs + insertMs };
  } finally {
    await db.close();
  }
}
