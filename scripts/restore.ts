/**
 * `npm run restore -- <backup.jsonl.gz> [--data-dir DIR] [--force]`: restores a backup into the embedded database of
 * DIR (default DATA_DIR) or, with DATABASE_URL set and no --data-dir, into that PostgreSQL database. The file is
 * checked completely before the target is opened; the target must be empty unless --force (which replaces it).
 * Stop the server of the target first (the PGlite folder lock refuses otherwise).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';
import { DataFolderInUseError } from '../server/db/lock.ts';
import { pgliteDirOf } from '../server/bootstrap.ts';
import { AppError } from '../server/errors.ts';
import { restoreBackup, restoredReportTotals, verifyBackup } from '../server/domain/backups/restore.ts';
import { fail, parseArgs } from './cli.ts';

const { positional, flags } = parseArgs(process.argv.slice(2));
const out = (line: string) => process.stdout.write(line + '\n');
if (positional.length !== 1) fail('Usage: npm run restore -- <backup.jsonl.gz> [--data-dir DIR] [--force]   (or DATABASE_URL=… npm run restore -- <file>)', 2);
const file = path.resolve(positional[0]!);
if (!fs.existsSync(file)) fail(`Không thấy tệp / No such file: ${file}`, 2);

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message, 2);
  throw err;
}
if (typeof flags['data-dir'] === 'string') config = { ...config, dataDir: path.resolve(flags['data-dir']), databaseUrl: null };
const where = config.databaseUrl ? `PostgreSQL ${new URL(config.databaseUrl).host}${new URL(config.databaseUrl).pathname}` : `PGlite ${pgliteDirOf(config)}`;

const refuse = (err: unknown): never => {
  if (err instanceof AppError) fail(`Khôi phục bị từ chối / Restore refused [${err.code}]\n  ${err.messages.vi}\n  ${err.messages.en}\nThe target was not changed.`, 1);
  if (err instanceof DataFolderInUseError) fail(err.message, 3);
  throw err;
};

const manifest = await verifyBackup(file).catch(refuse);
out(`Backup ${path.basename(file)}: taken ${manifest.createdAt} on ${manifest.engine}, app ${manifest.app.version}, migration ${manifest.migrations.count} (${manifest.migrations.lastTag}) — checksum OK`);
out(`Restoring into ${where}…`);
const database = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.databaseUrl ? undefined : (fs.mkdirSync(config.dataDir, { recursive: true }), pgliteDirOf(config)) }).catch(refuse);
try {
  const result = await restoreBackup(file, database, { force: flags.force === true, verified: manifest, progress: out }).catch(refuse);
  out(`Restored in ${(result.durationMs / 1000).toFixed(1)} s${result.laterMigrations ? `, then ${result.laterMigrations} later migration(s) applied` : ''}. Rows per table (backup → restored):`);
  const inBackup = new Map(manifest.tables.map((t) => [t.name, t.rows]));
  for (const t of result.counts) out(`  ${t.name.padEnd(24)} ${String(inBackup.get(t.name) ?? '—').padStart(9)} → ${String(t.rows).padStart(9)}`);
  const report = await restoredReportTotals(database.db, config);
  if (report) {
    const basis = report.basis === 'approved' ? `last approved round (${report.approvedWards} wards approved)` : 'latest round with assessments (no round approved yet)';
    out(`Rates report, district total, round ${report.round} — ${basis}; compare with the source's Reports page:`);
    for (const { standard, total } of report.totals) {
      if (!total) continue;
      out(`  ${standard.padEnd(8)} households ${total.totalHouseholds ?? '—'} · poor ${total.poor.end} (${total.poor.rate ?? '—'} %) · near-poor ${total.nearPoor.end} (${total.nearPoor.rate ?? '—'} %)`);
    }
  }
} finally {
  await database.close();
}
