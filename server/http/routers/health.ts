import { Router } from 'express';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../../context.ts';
import { lastBackupAge } from '../../domain/backups/service.ts';
import { presentBackupAge } from '../presenters/backups.ts';
import { redactUrl } from '../../db/replica.ts';
import { instanceName } from '../../domain/imports/jobs.ts';

export function healthRouter(deps: AppDeps): Router {
  const r = Router();
  /**
   * Liveness for load balancers, plus the replica's state (issue 16). Admins also see which database URLs this
   * instance uses (never the passwords) and its instance name; others do not learn the internal addresses.
   */
  r.get('/health', async (req, res) => {
    await deps.db.execute(sql`select 1`);
    // The last backup's age; a warning when it is older than 2 days (or there is none yet) — issue 18.
    const backup = presentBackupAge(lastBackupAge(deps.config));
    const warnings = backup.status === 'ok' ? [] : [backup.status === 'none' ? 'BACKUP_NONE' : 'BACKUP_STALE'];
    const replica = deps.reads?.enabled ? { ...(await deps.reads.health()), reads: deps.reads.stats } : null;
    const admin = req.auth?.actor.role === 'admin';
    res.json({
      status: 'ok',
      database: deps.engine,
      migrations: deps.migrations,
      demo: deps.config.demoMode,
      backup,
      warnings,
      replica,
      ...(admin ? { instance: instanceName(deps.config), databaseUrl: redactUrl(deps.config.databaseUrl), databaseReadUrl: redactUrl(deps.config.databaseReadUrl) } : {}),
    });
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
