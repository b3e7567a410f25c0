import { Router } from 'express';
import type { AppDeps } from '../../context.ts';
import { validate } from '../validate.ts';
import { ctxOf } from '../auth.ts';
import * as service from '../../domain/duplicates/service.ts';
import { listDuplicatesQuery, pairParam, resolveSchema } from '../schemas/duplicates.ts';

/**
 * Possible duplicates (issue 17): every role lists the pairs touching its scope (a ward officer sees the other side
 * reduced to its ward name); only the district (and admin) resolves them.
 */
export function duplicatesRouter(deps: AppDeps): Router {
  const r = Router();

  r.get('/duplicates', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const q = validate<service.ListInput>(listDuplicatesQuery, req.query);
    const { rows, total } = await service.listDuplicates(ctx, q);
    res.json({ data: rows, meta: { total, page: q.page, pageSize: q.pageSize } });
  });

  r.post('/duplicates/:id/resolve', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin', 'district']);
    const { id } = validate<{ id: string }>(pairParam, req.params);
    const body = validate<service.ResolveInput>(resolveSchema, req.body ?? {});
    res.json(await service.resolveDuplicate(ctx, id, body));
  });
  return r;
}
