import { Router } from 'express';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../../context.ts';
import { lastBackupAge } from '../../domain/backups/service.ts';
import { presentBackupAge } from '../presenters/backups.ts';

export function healthRouter(deps: AppDeps): Router {
  const r = Router();
  r.get('/health', async (_req, res) => {
    await deps.db.execute(sql`select 1`);
    // The last backup's age; a warning when it is older than 2 days (or there is none yet) — issue 18.
    const backup = presentBackupAge(lastBackupAge(deps.config));
    const warnings = backup.status === 'ok' ? [] : [backup.status === 'none' ? 'BACKUP_NONE' : 'BACKUP_STALE'];
    res.json({ status: 'ok', database: deps.engine, migrations: deps.migrations, demo: deps.config.demoMode, backup, warnings });
  });
  /** Public settings the client needs before login (map tiles, demo banner). */
  r.get('/settings', (_req, res) => {
    res.json({
      tileUrl: deps.config.tileUrl,
      tileAttribution: deps.config.tileAttribution,
      demo: deps.config.demoMode,
      districtCode: deps.config.districtCode,
      rounds: { min: deps.config.roundMin, max: deps.config.roundMax },
    });
  });
  return r;
}
