import { Router } from 'express';
import type { AppDeps } from '../../context.ts';
import { validate } from '../validate.ts';
import { auditQuery } from '../schemas/audit.ts';
import { ctxOf } from '../auth.ts';
import { readAuditTrail, type AuditQuery } from '../../domain/audit/service.ts';
import { presentAuditEvent } from '../presenters/audit.ts';


/** GET /api/audit — every role reads the part of the trail its scope covers (see audit/repository.ts). */
export function auditRouter(deps: AppDeps): Router {
  const r = Router();
  r.get('/audit', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin', 'district', 'ward']);
    const q = validate<Omit<AuditQuery, 'entityId'> & { id?: string }>(auditQuery, req.query);
    const { id, ...rest } = q;
    const { rows, total } = await readAuditTrail(ctx, { ...rest, entityId: id });
    res.json({ data: rows.map(presentAuditEvent), meta: { total, page: q.page, pageSize: q.pageSize } });
  });
  return r;
}
