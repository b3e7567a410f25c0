/**
 * Backups while serving (issue 18). One REPEATABLE READ, read-only transaction reads every table: all of them see
 * the same snapshot, so every write committed before its first statement is in the file and nothing committed after
 * is, even half. On a PostgreSQL server other requests go on meanwhile (MVCC); PGlite has one connection and runs a
 * transaction exclusively, so there requests wait for the backup (measured in docs/RELIABILITY.md, item 11).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Ctx } from '../../context.ts';
import { AppError, errors } from '../../errors.ts';
import { APP_INFO } from '../../app-info.ts';
import { localMigrations } from '../../db/migrate.ts';
import { recordAudit } from '../audit/repository.ts';
import { appliedMigrations, countRows, listTables, streamRows } from './repository.ts';
import { BackupWriter, ensureBackupDir, readChecksumFile, readManifest, writeChecksumFile } from './files.ts';
import {
  BACKUP_FORMAT, BACKUP_FORMAT_VERSION, CHECKSUM_EXTENSION, backupAge, backupFileName, backupTimeOf, backupsToPrune, isBackupFileName, totalRows,
  type BackupAge, type BackupManifest,
} from './format.ts';

export interface BackupInfo {
  name: string;
  sizeBytes: number;
  createdAt: string;
  sha256: string | null;
  engine: BackupManifest['engine'] | null;
  appVersion: string | null;
  migrations: number | null;
  tables: { name: string; rows: number }[];
  rows: number | null;
}

const FETCH_ROWS = 2000;

/** One backup at a time per process: a second request gets 409 instead of a second snapshot held open. */
let running: Promise<unknown> | null = null;

export const backupRunning = () =>
  new AppError('BACKUP_RUNNING', 409, { vi: 'Một bản sao lưu đang được tạo; hãy thử lại sau ít phút', en: 'A backup is already running; try again in a few minutes' });

type BackupCtx = Pick<Ctx, 'db' | 'engine' | 'config' | 'actor' | 'requestId' | 'logger'>;

/** Takes a backup into BACKUP_DIR, then applies the retention (BACKUP_KEEP). */
export async function createBackup(ctx: BackupCtx): Promise<BackupInfo & { durationMs: number; pruned: string[] }> {
  if (running) throw backupRunning();
  const job = takeBackup(ctx);
  running = job;
  try {
    return await job;
  } finally {
    running = null;
  }
}

async function takeBackup(ctx: BackupCtx): Promise<BackupInfo & { durationMs: number; pruned: string[] }> {
  const started = performance.now();
  const dir = ctx.config.backupDir;
  ensureBackupDir(dir);
  removeLeftovers(dir);
  const createdAt = new Date();
  const name = backupFileName(createdAt);
  const file = path.join(dir, name);
  const tmp = path.join(dir, `.${name}.partial`);
  const writer = new BackupWriter(tmp);
  let manifest: BackupManifest;
  let written: { sizeBytes: number; sha256: string };
  try {
    manifest = await ctx.db.transaction(
      async (tx) => {
        // The snapshot is taken at the first statement: the catalogue, counts and rows below all read it.
        const shapes = await listTables(tx);
        const applied = await appliedMigrations(tx);
        const local = localMigrations();
        const tables = [];
        for (const s of shapes) tables.push({ name: s.name, columns: s.columns, rows: await countRows(tx, s.name) });
        const m: BackupManifest = {
          format: BACKUP_FORMAT,
          formatVersion: BACKUP_FORMAT_VERSION,
          app: { name: APP_INFO.name, version: APP_INFO.version },
          engine: ctx.engine,
          createdAt: createdAt.toISOString(),
          migrations: { count: applied.length, lastTag: local.find((l) => l.hash === applied.at(-1)?.hash)?.tag ?? null, hashes: applied.map((a) => a.hash) },
          tables,
        };
        await writer.write(JSON.stringify(m) + '\n');
        for (const table of tables) {
          const n = await streamRows(tx, table, FETCH_ROWS, (rows) => writer.write(rows.join('\n') + '\n'));
          if (n !== table.rows) throw new Error(`backup of ${table.name}: counted ${table.rows} rows, read ${n}`);
        }
        return m;
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    written = await writer.finish(totalRows(manifest));
    fs.renameSync(tmp, file);
    writeChecksumFile(file, written.sha256);
  } catch (err) {
    writer.abort();
    throw err;
  }
  const pruned = pruneBackups(ctx.config);
  const durationMs = Math.round(performance.now() - started);
  const info = infoOf(name, written.sizeBytes, written.sha256, manifest);
  await recordAudit(ctx.db, ctx, { action: 'backup', entity: 'backup', entityId: name, meta: { sizeBytes: written.sizeBytes, rows: info.rows, durationMs, pruned } });
  ctx.logger.info({ backup: name, sizeBytes: written.sizeBytes, rows: info.rows, durationMs, pruned: pruned.length }, 'backup written');
  return { ...info, durationMs, pruned };
}

function infoOf(name: string, sizeBytes: number, sha256: string | null, manifest: BackupManifest | null): BackupInfo {
  return {
    name,
    sizeBytes,
    createdAt: (manifest ? new Date(manifest.createdAt) : backupTimeOf(name)!).toISOString(),
    sha256,
    engine: manifest?.engine ?? null,
    appVersion: manifest?.app.version ?? null,
    migrations: manifest?.migrations.count ?? null,
    tables: manifest?.tables.map((t) => ({ name: t.name, rows: t.rows })) ?? [],
    rows: manifest ? totalRows(manifest) : null,
  };
}

/**
 * Partial files a stopped process left behind. A backup being written touches its file continuously, so one unchanged
 * for an hour is dead (another server sharing BACKUP_DIR may be writing a fresh one: that one is left alone).
 */
function removeLeftovers(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.partial')) continue;
    const stat = fs.statSync(path.join(dir, f), { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > 3_600_000) fs.rmSync(path.join(dir, f), { force: true });
  }
}

function backupNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter(isBackupFileName).sort().reverse();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Deletes all but the newest BACKUP_KEEP backups (and their checksum files); returns the names deleted. */
export function pruneBackups(config: Pick<Config, 'backupDir' | 'backupKeep'>): string[] {
  const doomed = backupsToPrune(backupNames(config.backupDir), config.backupKeep);
  for (const name of doomed) {
    const file = path.join(config.backupDir, name);
    fs.rmSync(file, { force: true });
    fs.rmSync(file + CHECKSUM_EXTENSION, { force: true });
  }
  return doomed;
}

/** The backups in BACKUP_DIR, newest first, with what their manifests say. */
export async function listBackups(config: Pick<Config, 'backupDir'>): Promise<BackupInfo[]> {
  const out: BackupInfo[] = [];
  for (const name of backupNames(config.backupDir)) {
    const file = path.join(config.backupDir, name);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) continue; // pruned meanwhile
    out.push(infoOf(name, stat.size, readChecksumFile(file), await readManifest(file)));
  }
  return out;
}

/** Age of the newest complete backup (a file only appears under its final name once written and synced). */
export function lastBackupAge(config: Pick<Config, 'backupDir'>, now = new Date()): BackupAge {
  const newest = backupNames(config.backupDir)[0];
  return backupAge(newest ? backupTimeOf(newest) : null, now);
}

/** Absolute path of a listed backup, or 404 (the name is checked against the pattern: no path ever escapes). */
export function backupFile(config: Pick<Config, 'backupDir'>, name: string): string {
  if (!isBackupFileName(name)) throw errors.notFound('backup');
  const file = path.join(config.backupDir, name);
  if (!fs.existsSync(file)) throw errors.notFound('backup');
  return file;
}
