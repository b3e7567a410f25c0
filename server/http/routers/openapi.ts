import { Router } from 'express';
import type { AppDeps } from '../../context.ts';
import { buildOpenApi } from '../openapi/document.ts';

/** GET /api/openapi.json — public: it describes the API, never data. Built once per app. */
export function openapiRouter(deps: AppDeps): Router {
  const r = Router();
  let doc: unknown = null;
  r.get('/openapi.json', (_req, res) => {
    doc ??= buildOpenApi(deps.config);
    res.json(doc);
  });
  return r;
}
