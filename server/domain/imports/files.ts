/**
 * Where an import keeps its data: config.dataDir/imports/<id>/ holds the upload, the parsed rows and the errors as
 * NDJSON (one JSON value per line), so neither the API process nor the parser holds a whole file in memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';

export interface ImportPaths {
  dir: string;
  upload: string;
  rows: string;
  errors: string;
  /** Row warnings of the dry run (issue 17), for the annotated workbook. */
  warnings: string;
  /** Header row and width of each data sheet, for the annotated workbook. */
  sheets: string;
  annotated: string;
}

export function importPaths(dataDir: string, id: string): ImportPaths {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad import id');
  const dir = path.join(dataDir, 'imports', id);
  return {
    dir,
    upload: path.join(dir, 'upload.xlsx'),
    rows: path.join(dir, 'rows.ndjson'),
    errors: path.join(dir, 'errors.ndjson'),
    warnings: path.join(dir, 'warnings.ndjson'),
    sheets: path.join(dir, 'sheets.json'),
    annotated: path.join(dir, 'annotated.xlsx'),
  };
}

/** Incoming uploads land here first (before the import has an id). */
export function uploadTmpDir(dataDir: string): string {
  const dir = path.join(dataDir, 'imports', 'tmp');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Appends JSON lines with back-pressure. */
export class NdjsonWriter {
  private readonly stream: fs.WriteStream;
  count = 0;
  constructor(file: string) {
    this.stream = fs.createWriteStream(file, { encoding: 'utf8' });
  }
  async write(value: unknown): Promise<void> {
    this.count++;
    if (!this.stream.write(JSON.stringify(value) + '\n')) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** Reads JSON lines one at a time. */
export async function* readNdjson<T>(file: string): AsyncGenerator<T> {
  if (!fs.existsSync(file)) return;
  const rl = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line) yield JSON.parse(line) as T;
}

/** Reads JSON lines in batches. */
export async function* readNdjsonBatches<T>(file: string, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const v of readNdjson<T>(file)) {
    batch.push(v);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
