import { Router } from 'express';
import type { AppDeps } from '../../context.ts';
import { Joi, validate } from '../validate.ts';
import { ctxOf } from '../auth.ts';
import { readAuditTrail, type AuditQuery } from '../../domain/audit/service.ts';
import { presentAuditEvent } from '../presenters/audit.ts';

const auditQuery = Joi.object({
  entity: Joi.string().pattern(/^[a-z_]{1,40}$/, 'entity'),
  id: Joi.string().max(100),
  action: Joi.string().pattern(/^[a-z_]{1,40}$/, 'action'),
  page: Joi.number().integer().min(1).max(100_000).default(1),
  pageSize: Joi.number().integer().min(1).max(500).default(50),
}).with('id', 'entity');

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
