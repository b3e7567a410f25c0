import { Router } from 'express';
import type { AppDeps } from '../../context.ts';
import { validate } from '../validate.ts';
import { ctxOf } from '../auth.ts';
import * as service from '../../domain/criteria/service.ts';
import { reclassifyUnderLatest } from '../../domain/assessments/service.ts';
import type { ClassifyInput } from '../../domain/criteria/types.ts';
import { presentCriteriaSet } from '../presenters/criteria.ts';
import { classifySchema, newVersionSchema, reclassifySchema, setIdParam, versionQuery } from '../schemas/criteria.ts';

/** Criteria sets (read: any user; new versions and re-classification: admin) and what-if classification. */
export function criteriaRouter(deps: AppDeps): Router {
  const r = Router();

  r.get('/criteria', async (req, res) => {
    const rows = await service.listCriteriaSets(ctxOf(req, deps));
    res.json({ data: rows.map(presentCriteriaSet), meta: { total: rows.length, page: 1, pageSize: rows.length } });
  });

  r.get('/criteria/:id', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { id } = validate<{ id: string }>(setIdParam, req.params);
    const { version } = validate<{ version?: number }>(versionQuery, req.query);
    const { set, versions } = await service.getCriteriaSet(ctx, id, version);
    res.json({ ...presentCriteriaSet(set), versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt.toISOString(), createdBy: v.createdBy, note: v.note })) });
  });

  r.get('/criteria/:id/usage', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { id } = validate<{ id: string }>(setIdParam, req.params);
    res.json(await service.criteriaUsage(ctx, id));
  });

  r.post('/criteria/:id/versions', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin']);
    const { id } = validate<{ id: string }>(setIdParam, req.params);
    const body = validate<service.NewVersionInput>(newVersionSchema, req.body);
    res.status(201).json(presentCriteriaSet(await service.createCriteriaVersion(ctx, id, body)));
  });

  r.post('/criteria/:id/reclassify', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin']);
    const { id } = validate<{ id: string }>(setIdParam, req.params);
    const { round } = validate<{ round?: number }>(reclassifySchema, req.body ?? {});
    res.json(await reclassifyUnderLatest(ctx, id, round));
  });

  r.post('/classify', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const body = validate<ClassifyInput & { criteriaSet: string; version?: number }>(classifySchema, req.body);
    const { set, result } = await service.classifyWhatIf(ctx, body.criteriaSet, body, body.version);
    res.json({ criteriaSet: { id: set.id, version: set.version, provisional: set.provisional }, ...result });
  });
  return r;
}
