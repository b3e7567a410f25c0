import { Router } from 'express';
import type { AppDeps } from '../../context.ts';

/**
 * GET /api/openapi.json — public: it describes the API, never data. Built once per app, on the first request: the
 * converter (joi-to-json) and the route table are loaded then, not at start (issue 14: idle memory).
 */
export function openapiRouter(deps: AppDeps): Router {
  const r = Router();
  let doc: Promise<unknown> | null = null;
  r.get('/openapi.json', async (_req, res) => {
    doc ??= import('../openapi/document.ts').then((m) => m.buildOpenApi(deps.config));
    res.json(await doc);
  });
  return r;
}
