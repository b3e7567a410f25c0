/**
 * Backup files on disk: a streaming writer (gzip, SHA-256 of the content and of the file, 0600, written under a
 * temporary name and renamed only once complete and synced) and a streaming reader that checks the format as it goes.
 * Neither ever holds more than a batch of rows in memory.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { AppError } from '../../errors.ts';
import { CHECKSUM_EXTENSION, checkManifest, parseTrailer, totalRows, trailerLine, type BackupManifest, type BackupTable } from './format.ts';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** The backup folder, created 0700 (and tightened if it existed looser): backups hold personal data. */
export function ensureBackupDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  fs.chmodSync(dir, DIR_MODE);
}

export class BackupWriter {
  private readonly gzip = zlib.createGzip({ level: 6 });
  private readonly out: fs.WriteStream;
  private readonly contentHash = crypto.createHash('sha256');
  private readonly fileHash = crypto.createHash('sha256');
  private bytes = 0;
  private failed: Error | null = null;

  constructor(private readonly tmpPath: string) {
    this.out = fs.createWriteStream(tmpPath, { mode: FILE_MODE, flags: 'wx' });
    this.gzip.on('data', (chunk: Buffer) => {
      this.fileHash.update(chunk);
      this.bytes += chunk.length;
    });
    this.gzip.pipe(this.out);
    const fail = (err: Error) => (this.failed ??= err);
    this.gzip.on('error', fail);
    this.out.on('error', fail);
  }

  /** Writes text (whole lines), waiting while the compressor or the disk is behind. */
  async write(text: string): Promise<void> {
    if (this.failed) throw this.failed;
    this.contentHash.update(text);
    if (!this.gzip.write(text)) await once(this.gzip, 'drain');
  }

  /** Appends the trailer, flushes, fsyncs; returns the size and the SHA-256 of the .gz file. */
  async finish(rows: number): Promise<{ sizeBytes: number; sha256: string }> {
    const text = trailerLine({ rows, sha256: this.contentHash.digest('hex') });
    if (!this.gzip.write(text)) await once(this.gzip, 'drain');
    this.gzip.end();
    await once(this.out, 'close');
    if (this.failed) throw this.failed;
    const fd = fs.openSync(this.tmpPath, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return { sizeBytes: this.bytes, sha256: this.fileHash.digest('hex') };
  }

  abort(): void {
    this.gzip.destroy();
    this.out.destroy();
    fs.rmSync(this.tmpPath, { force: true });
  }
}

// ── Reading ────────────────────────────────────────────────────────────────────────────────────────────────
const MAX_LINE_BYTES = 64 * 1024 * 1024;
const BATCH_BYTES = 8 * 1024 * 1024;
const TRAILER_PREFIX = Buffer.from('{"$end":');

const refusal = (code: string, vi: string, en: string, file: string) =>
  new AppError(code, 422, { vi: `${vi}: ${path.basename(file)}`, en: `${en}: ${path.basename(file)}` });

export const backupErrors = {
  foreign: (file: string, why: string) => refusal('BACKUP_FOREIGN', `Không phải tệp sao lưu của Sổ hộ nghèo (${why})`, `Not a Sổ hộ nghèo backup (${why})`, file),
  truncated: (file: string) => refusal('BACKUP_TRUNCATED', 'Tệp sao lưu bị cắt cụt (thiếu phần cuối)', 'The backup file is truncated (its end is missing)', file),
  corrupt: (file: string, why: string) => refusal('BACKUP_CORRUPT', `Tệp sao lưu bị hỏng (${why})`, `The backup file is corrupted (${why})`, file),
};

/** Lines of a gzip'd file, split on \n only (JSON never holds a raw newline), as they decompress. */
async function* lines(file: string): AsyncGenerator<Buffer> {
  let rest = Buffer.alloc(0);
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
        yield buf.subarray(start, nl + 1);
        start = nl + 1;
      }
      rest = Buffer.from(buf.subarray(start));
      buf = rest;
      if (rest.length > MAX_LINE_BYTES) throw backupErrors.foreign(file, 'a line longer than 64 MiB');
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || /unexpected end/i.test((err as Error).message)) throw backupErrors.truncated(file);
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw err;
    if (/incorrect header check/i.test((err as Error).message)) throw backupErrors.foreign(file, 'not a gzip file');
    throw backupErrors.corrupt(file, 'gzip: ' + ((err as Error).message || code));
  }
  if (rest.length) yield rest;
}

export interface ReadHandlers {
  /** Called with each batch of a table's rows (JSON texts), in file order. */
  rows?(table: BackupTable, batch: string[]): Promise<void>;
  batchRows?: number;
}

/**
 * Reads a backup from start to end and checks it: manifest, each table's row count, the trailer and its SHA-256 of
 * the content. Without handlers it is a pure check; with them it also hands over the rows — the caller must still
 * treat the data as unverified until this resolves (the restore does it in a transaction it commits only then).
 */
export async function readBackup(file: string, handlers: ReadHandlers = {}): Promise<BackupManifest> {
  const it = lines(file);
  const hash = crypto.createHash('sha256');
  const next = async (): Promise<Buffer | null> => {
    const r = await it.next();
    return r.done ? null : r.value;
  };
  const first = await next();
  if (!first) throw backupErrors.foreign(file, 'empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(first.toString('utf8'));
  } catch {
    throw backupErrors.foreign(file, 'the first line is not a manifest');
  }
  const checked = checkManifest(parsed);
  if ('problem' in checked) throw backupErrors.foreign(file, checked.problem.message);
  const manifest = checked.manifest;
  hash.update(first);

  const batchRows = handlers.batchRows ?? 2000;
  for (const table of manifest.tables) {
    let batch: string[] = [];
    let batchBytes = 0;
    for (let i = 0; i < table.rows; i++) {
      const line = await next();
      if (!line) throw backupErrors.truncated(file);
      if (line[0] !== 0x7b || line[line.length - 1] !== 10 || line.subarray(0, TRAILER_PREFIX.length).equals(TRAILER_PREFIX)) throw backupErrors.corrupt(file, `table ${table.name}: line ${i + 1} is not a row`);
      hash.update(line);
      if (handlers.rows) {
        batch.push(line.toString('utf8', 0, line.length - 1));
        batchBytes += line.length;
        // Wide rows (stored files, long JSON) flush early: a batch stays a few MiB whatever the table.
        if (batch.length >= batchRows || batchBytes >= BATCH_BYTES) {
          await handlers.rows(table, batch);
          batch = [];
          batchBytes = 0;
        }
      }
    }
    if (handlers.rows && batch.length) await handlers.rows(table, batch);
  }
  const last = await next();
  if (!last) throw backupErrors.truncated(file);
  const trailer = parseTrailer(last.toString('utf8'));
  if (!trailer) throw backupErrors.corrupt(file, 'more rows than the manifest announces');
  if ((await next()) !== null) throw backupErrors.corrupt(file, 'data after the end');
  if (trailer.rows !== totalRows(manifest)) throw backupErrors.corrupt(file, 'row count differs from the manifest');
  if (trailer.sha256 !== hash.digest('hex')) throw backupErrors.corrupt(file, 'SHA-256 checksum mismatch');
  return manifest;
}

/** Only the manifest (first line): cheap, for listings. Null when the file is not a readable backup. */
export async function readManifest(file: string): Promise<BackupManifest | null> {
  const it = lines(file);
  try {
    const first = await it.next();
    if (first.done) return null;
    const checked = checkManifest(JSON.parse(first.value.toString('utf8')));
    return 'manifest' in checked ? checked.manifest : null;
  } catch {
    return null;
  } finally {
    await it.return(undefined);
  }
}

// ── The .sha256 sidecar (sha256sum format, so `sha256sum -c` checks it too) ─────────────────────────────────
export function writeChecksumFile(file: string, sha256: string): void {
  const sidecar = file + CHECKSUM_EXTENSION;
  fs.writeFileSync(sidecar + '.tmp', `${sha256}  ${path.basename(file)}\n`, { mode: FILE_MODE });
  fs.renameSync(sidecar + '.tmp', sidecar);
}

export function readChecksumFile(file: string): string | null {
  try {
    const m = /^([0-9a-f]{64})\s/.exec(fs.readFileSync(file + CHECKSUM_EXTENSION, 'utf8'));
    return m ? m[1]! : null;
  } catch {
    return null;
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}
