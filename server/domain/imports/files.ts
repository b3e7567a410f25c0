/**
 * Temporary files of the import steps: private folders under DATA_DIR/tmp, and NDJSON (one JSON value per line)
 * writers and readers, so neither the API process nor the parser holds a whole file in memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';

const TMP_PREFIX = 'import-';

/**
 * The one place an import touches the disk: DATA_DIR/tmp (0700), where an upload lands and where the parser child
 * reads and writes while it works. Everything in it is created 0600 and deleted as soon as the step ends; the import
 * itself lives in the database (issue 16, issue 13 item 3).
 */
export function privateTmpDir(dataDir: string): string {
  const dir = path.join(dataDir, 'tmp');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  return dir;
}

/** A fresh 0700 folder for one step of one import, named after this process so a restart can sweep a dead one's. */
export function jobTmpDir(dataDir: string): string {
  return fs.mkdtempSync(path.join(privateTmpDir(dataDir), `${TMP_PREFIX}${process.pid}-`));
}

/**
 * Deletes what dead processes left in DATA_DIR/tmp (a SIGKILL mid-parse leaves parsed rows behind), and the
 * DATA_DIR/imports folder of versions that kept imports on disk. Folders of live processes (another instance sharing
 * the data folder) are kept.
 */
export function sweepImportFiles(dataDir: string, isAlive: (pid: number) => boolean): number {
  let removed = 0;
  const legacy = path.join(dataDir, 'imports');
  if (fs.existsSync(legacy)) {
    fs.rmSync(legacy, { recursive: true, force: true });
    removed++;
  }
  const tmp = privateTmpDir(dataDir);
  for (const name of fs.readdirSync(tmp)) {
    const pid = Number(/^(?:import-)?(\d+)-/.exec(name)?.[1]);
    if (pid === process.pid || (pid && isAlive(pid))) continue;
    fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Appends JSON lines with back-pressure. */
export class NdjsonWriter {
  private readonly stream: fs.WriteStream;
  count = 0;
  constructor(file: string) {
    this.stream = fs.createWriteStream(file, { encoding: 'utf8', mode: 0o600 });
  }
  async write(value: unknown): Promise<void> {
    await this.writeLine(JSON.stringify(value));
  }
  /** One line already in JSON. */
  async writeLine(json: string): Promise<void> {
    this.count++;
    if (!this.stream.write(json + '\n')) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** Reads the non-empty lines of a file, unparsed. */
export async function* readLines(file: string): AsyncGenerator<string> {
  if (!fs.existsSync(file)) return;
  const rl = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line) yield line;
}

/** Reads JSON lines one at a time. */
export async function* readNdjson<T>(file: string): AsyncGenerator<T> {
  for await (const line of readLines(file)) yield JSON.parse(line) as T;
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
