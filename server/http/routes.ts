import { Router } from 'express';
import type { AppDeps } from '../context.ts';
import { authRouter } from './routers/auth.ts';
import { auditRouter } from './routers/audit.ts';
import { backupsRouter } from './routers/backups.ts';
import { criteriaRouter } from './routers/criteria.ts';
import { duplicatesRouter } from './routers/duplicates.ts';
import { healthRouter } from './routers/health.ts';
import { householdsRouter } from './routers/households.ts';
import { importsRouter } from './routers/imports.ts';
import { reportsRouter } from './routers/reports.ts';
import { roundsRouter } from './routers/rounds.ts';
import { unitsRouter } from './routers/units.ts';
import { totalsUploadRouter } from './routers/totals-upload.ts';
import { openapiRouter } from './routers/openapi.ts';
import { usersRouter } from './routers/users.ts';

/** Every API router, mounted under /api. Each area owns its file in ./routers. */
export function apiRoutes(deps: AppDeps): Router {
  const api = Router();
  for (const make of [healthRouter, unitsRouter, authRouter, usersRouter, auditRouter, criteriaRouter, householdsRouter, importsRouter, reportsRouter, totalsUploadRouter, openapiRouter, duplicatesRouter, roundsRouter, backupsRouter]) {
    api.use(make(deps));
  }
  return api;
}
