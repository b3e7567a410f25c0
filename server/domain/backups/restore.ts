/**
 * Restore (issue 18): a backup file into an empty database of either engine.
 *  1. The whole file is read and checked first (manifest, row counts, SHA-256 of the content, and the .sha256
 *     sidecar when present); its migrations must be the first migrations of this build. Nothing is touched before.
 *  2. One transaction: the schema is built by this build's migrations up to the backup's migration, the rows are
 *     loaded (FK-safe order, batches, the database parsing each row's JSON with the column types), sequences move
 *     past the loaded ids, and the later migrations run on the loaded data — exactly as they would have run on the
 *     source. Any failure rolls all of it back: the target is left as it was.
 */
import path from 'node:path';
import type { Database } from '../../db/client.ts';
import { applyMigrationsIn, localMigrations } from '../../db/migrate.ts';
import { refreshStatistics } from '../../db/maintenance.ts';
import { fromDatabaseError, AppError } from '../../errors.ts';
import { countRows, dropRegistrySchema, lastApprovedRound, lastRoundWithData, setUserTriggers, tablesWithUserTriggers, insertRows, listTables, resetSequences, targetIsEmpty, truncateTables } from './repository.ts';
import { backupErrors, readBackup, readChecksumFile, sha256OfFile } from './files.ts';
import type { BackupManifest } from './format.ts';
import type { Config } from '../../config.ts';
import { systemActor } from '../../context.ts';
import { ratesReport } from '../reports/service.ts';
import type { RateRow, Standard } from '../reports/rules.ts';

export interface RestoreResult {
  manifest: BackupManifest;
  /** Migrations applied after the backup's own (a backup from an older version). */
  laterMigrations: number;
  /** Row counts of the restored database, per table (after the later migrations). */
  counts: { name: string; rows: number }[];
  durationMs: number;
}

const notEmpty = () =>
  new AppError('RESTORE_TARGET_NOT_EMPTY', 409, {
    vi: 'Cơ sở dữ liệu đích không trống; dùng --force để thay toàn bộ dữ liệu của nó bằng bản sao lưu',
    en: 'The target database is not empty; use --force to replace everything in it with the backup',
  });

/** Checks a file completely without touching any database; returns its manifest. */
export async function verifyBackup(file: string): Promise<BackupManifest> {
  const expected = readChecksumFile(file);
  if (expected && expected !== (await sha256OfFile(file))) throw backupErrors.corrupt(file, `SHA-256 differs from ${path.basename(file)}.sha256`);
  const manifest = await readBackup(file);
  const local = localMigrations();
  const { count, hashes } = manifest.migrations;
  if (count > local.length) {
    throw new AppError('BACKUP_TOO_NEW', 422, {
      vi: `Bản sao lưu có ${count} migration, phiên bản này chỉ có ${local.length}: hãy cập nhật phần mềm trước khi khôi phục`,
      en: `The backup has ${count} migrations, this version only ${local.length}: upgrade the application before restoring`,
    });
  }
  const differs = hashes.findIndex((h, i) => local[i]!.hash !== h);
  if (differs !== -1) {
    throw new AppError('BACKUP_MIGRATIONS_DIFFER', 422, {
      vi: `Migration thứ ${differs + 1} của bản sao lưu khác với phiên bản này (${local[differs]!.tag}): bản sao lưu đến từ một nhánh phần mềm khác`,
      en: `Migration ${differs + 1} of the backup differs from this version's (${local[differs]!.tag}): the backup comes from another line of the software`,
    });
  }
  return manifest;
}

export interface RestoreOptions {
  force?: boolean;
  progress?: (line: string) => void;
  /** The manifest verifyBackup returned for this file (the CLI verifies before it opens the target). */
  verified?: BackupManifest;
}

export async function restoreBackup(file: string, target: Database, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const started = performance.now();
  const progress = opts.progress ?? (() => {});
  const manifest = opts.verified ?? (await verifyBackup(file));
  if (!opts.verified) progress(`verified ${path.basename(file)}: ${manifest.tables.length} tables, migration ${manifest.migrations.count} (${manifest.migrations.lastTag ?? '?'}), taken ${manifest.createdAt} on ${manifest.engine}`);
  if (!opts.force && !(await targetIsEmpty(target.db))) throw notEmpty();

  const local = localMigrations();
  const later = local.slice(manifest.migrations.count);
  try {
    await target.db.transaction(async (tx) => {
      if (opts.force) await dropRegistrySchema(tx);
      else if (!(await targetIsEmpty(tx))) throw notEmpty();
      await applyMigrationsIn(tx, local.slice(0, manifest.migrations.count));
      const shapes = new Map((await listTables(tx)).map((s) => [s.name, s]));
      const missing = manifest.tables.filter((t) => !shapes.has(t.name)).map((t) => t.name);
      if (missing.length) throw backupErrors.foreign(file, `tables unknown at its migration: ${missing.join(', ')}`);
      // Data migrations (e.g. the seeded criteria) already ran on the source: its rows are what counts.
      await truncateTables(tx, [...shapes.keys()]);
      // Rows derived by triggers (e.g. an index table kept by triggers) are in the backup already: load, don't derive.
      const triggered = await tablesWithUserTriggers(tx);
      for (const table of triggered) await setUserTriggers(tx, table, false);
      let loaded = 0;
      await readBackup(file, {
        batchRows: 2000,
        rows: async (table, batch) => {
          await insertRows(tx, { ...table, identityAlways: shapes.get(table.name)!.identityAlways }, batch);
          loaded += batch.length;
          if (loaded % 100_000 < batch.length) progress(`  ${loaded} rows loaded`);
        },
      });
      for (const table of triggered) await setUserTriggers(tx, table, true);
      for (const shape of shapes.values()) await resetSequences(tx, shape);
      for (const table of manifest.tables) {
        const n = await countRows(tx, table.name);
        if (n !== table.rows) throw backupErrors.corrupt(file, `${table.name}: ${table.rows} rows in the file, ${n} loaded`);
      }
      if (later.length) progress(`applying ${later.length} later migration(s): ${later.map((m) => m.tag).join(', ')}`);
      await applyMigrationsIn(tx, later);
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw fromDatabaseError(err) ?? err;
  }
  await refreshStatistics(target.db);
  const counts = [];
  for (const s of await listTables(target.db)) counts.push({ name: s.name, rows: await countRows(target.db, s.name) });
  return { manifest, laterMigrations: later.length, counts, durationMs: Math.round(performance.now() - started) };
}


/**
 * The district totals of the rates report, per standard, for the last approved round (or, when no round is approved
 * yet, the latest round with assessments): what the operator compares with the source's Reports page.
 */
export async function restoredReportTotals(
  db: Database['db'],
  config: Config,
): Promise<{ round: number; basis: 'approved' | 'latest'; approvedWards: number; totals: { standard: Standard; total: RateRow | null }[] } | null> {
  const approved = await lastApprovedRound(db);
  const round = approved?.round ?? (await lastRoundWithData(db));
  if (round === null) return null;
  const ctx = { db, config, actor: systemActor('restore') };
  const totals = [];
  for (const standard of ['city', 'national'] as const) totals.push({ standard, total: (await ratesReport(ctx, { round, standard })).total });
  return { round, basis: approved ? 'approved' : 'latest', approvedWards: approved?.approvedWards ?? 0, totals };
}
