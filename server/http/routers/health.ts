import { Router } from 'express';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../../context.ts';

export function healthRouter(deps: AppDeps): Router {
  const r = Router();
  r.get('/health', async (_req, res) => {
    await deps.db.execute(sql`select 1`);
    res.json({ status: 'ok', database: deps.engine, migrations: deps.migrations, demo: deps.config.demoMode });
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
