import { Router, type Response } from 'express';
import type { AppDeps } from '../../context.ts';
import { validate } from '../validate.ts';
import { ctxOf, readCtxOf } from '../auth.ts';
import { errors } from '../../errors.ts';
import * as service from '../../domain/households/service.ts';
import type { AssessmentInput } from '../../domain/assessments/rules.ts';
import type { ArchiveReason } from '../../domain/households/rules.ts';
import { presentAssessment, presentHistory, presentHousehold, presentListedHousehold } from '../presenters/households.ts';
import { archiveSchema, assessmentParams, assessmentSchema, createHouseholdSchema, idParam, listQuery, parseIfMatch, updateHouseholdSchema } from '../schemas/households.ts';

function ifMatch(header: string | undefined): number | null {
  const v = parseIfMatch(header);
  if (v === 'invalid') throw errors.preconditionFailed();
  return v;
}

function sendHousehold(res: Response, row: Parameters<typeof presentHousehold>[0], status = 200) {
  res.status(status).set('ETag', `"${row.version}"`).json(presentHousehold(row));
}

/** Household registry and yearly assessments; every route scoped by the caller's account (404 outside). */
export function householdsRouter(deps: AppDeps): Router {
  const r = Router();

  r.get('/households', async (req, res) => {
    const ctx = await readCtxOf(req, deps);
    const q = validate<service.ListInput>(listQuery, req.query);
    const list = await service.listHouseholds(ctx, q);
    res.json({ data: list.rows.map((h) => presentListedHousehold(h, q.round)), meta: { total: list.total, page: q.page, pageSize: q.pageSize, nextCursor: list.nextCursor, prevCursor: list.prevCursor } });
  });

  r.post('/households', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const body = validate<service.HouseholdInput>(createHouseholdSchema, req.body);
    sendHousehold(res, await service.createHousehold(ctx, body), 201);
  });

  r.get('/households/:id', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { id } = validate<{ id: string }>(idParam, req.params);
    sendHousehold(res, await service.getHousehold(ctx, id));
  });

  r.patch('/households/:id', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { id } = validate<{ id: string }>(idParam, req.params);
    const body = validate<service.HouseholdChanges>(updateHouseholdSchema, req.body);
    sendHousehold(res, await service.updateHousehold(ctx, id, ifMatch(req.get('if-match')), body));
  });

  r.delete('/households/:id', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { id } = validate<{ id: string }>(idParam, req.params);
    const { reason, date } = validate<{ reason: ArchiveReason; date?: string }>(archiveSchema, req.body ?? {});
    sendHousehold(res, await service.archiveHousehold(ctx, id, ifMatch(req.get('if-match')), reason, { date }));
  });

  r.post('/households/:id/restore', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { id } = validate<{ id: string }>(idParam, req.params);
    sendHousehold(res, await service.restoreHousehold(ctx, id, ifMatch(req.get('if-match'))));
  });

  r.put('/households/:id/assessments/:round', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { id, round } = validate<{ id: string; round: number }>(assessmentParams, req.params);
    const body = validate<AssessmentInput>(assessmentSchema, req.body);
    res.json(presentAssessment(await service.putAssessment(ctx, id, round, body)));
  });

  r.get('/households/:id/history', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { id } = validate<{ id: string }>(idParam, req.params);
    res.json(presentHistory(await service.householdHistory(ctx, id)));
  });
  return r;
}
