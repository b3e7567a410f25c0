/**
 * `npm run backup [-- --data-dir DIR] [--out DIR]`: a backup of a stopped server's database (PGlite in DATA_DIR, or
 * DATABASE_URL) into BACKUP_DIR (or --out). While the server runs, use its API instead (POST /api/admin/backups or
 * the Backups page): the data folder is locked by the server.
 */
import path from 'node:path';
import { systemActor } from '../server/context.ts';
import { AppError } from '../server/errors.ts';
import { createBackup } from '../server/domain/backups/service.ts';
import { fail, parseArgs, withRegistry } from './cli.ts';

const { flags } = parseArgs(process.argv.slice(2));
await withRegistry(
  async (registry) => {
    try {
      const b = await createBackup({ ...registry.deps, actor: systemActor('backup-cli'), requestId: 'backup-cli' });
      const file = path.join(registry.deps.config.backupDir, b.name);
      process.stdout.write(`${file}\n  ${b.rows} rows in ${b.tables.length} tables · ${(b.sizeBytes / 1048576).toFixed(1)} MiB · ${(b.durationMs / 1000).toFixed(1)} s\n  sha256 ${b.sha256}\n`);
      if (b.pruned.length) process.stdout.write(`  removed ${b.pruned.length} older backup(s) (BACKUP_KEEP=${registry.deps.config.backupKeep})\n`);
    } catch (err) {
      if (err instanceof AppError) fail(`${err.code}: ${err.messages.en}`);
      throw err;
    }
  },
  (c) => {
    let config = c;
    if (typeof flags['data-dir'] === 'string') {
      const dataDir = path.resolve(flags['data-dir']);
      config = { ...config, dataDir, databaseUrl: null, backupDir: c.backupDir === path.resolve(c.dataDir, 'backups') ? path.join(dataDir, 'backups') : c.backupDir };
    }
    if (typeof flags.out === 'string') config = { ...config, backupDir: path.resolve(flags.out) };
    return config;
  },
);
