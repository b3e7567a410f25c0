import { Router } from 'express';
import type { AppDeps } from '../context.ts';
import { authRouter } from './routers/auth.ts';
import { auditRouter } from './routers/audit.ts';
import { criteriaRouter } from './routers/criteria.ts';
import { healthRouter } from './routers/health.ts';
import { householdsRouter } from './routers/households.ts';
import { importsRouter } from './routers/imports.ts';
import { reportsRouter } from './routers/reports.ts';
import { unitsRouter } from './routers/units.ts';
import { totalsUploadRouter } from './routers/totals-upload.ts';
import { openapiRouter } from './routers/openapi.ts';
import { usersRouter } from './routers/users.ts';

/** Every API router, mounted under /api. Each area owns its file in ./routers. */
export function apiRoutes(deps: AppDeps): Router {
  const api = Router();
  for (const make of [healthRouter, unitsRouter, authRouter, usersRouter, auditRouter, criteriaRouter, householdsRouter, importsRouter, reportsRouter, totalsUploadRouter, openapiRouter]) {
    api.use(make(deps));
  }
  return api;
}
