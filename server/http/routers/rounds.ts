import { Router } from 'express';
import type { AppDeps } from '../../context.ts';
import { validate } from '../validate.ts';
import { ctxOf } from '../auth.ts';
import * as service from '../../domain/rounds/service.ts';
import { presentRoundWard } from '../presenters/rounds.ts';
import { approveSchema, reopenSchema, roundParam, wardRoundParams } from '../schemas/rounds.ts';

type WardRound = { round: number; wardCode: string };

/**
 * The official record (issue 12 §2): wards' list status per round; submit (the ward's officer or the district),
 * approve and reopen (district or admin). Out-of-scope wards are 404.
 */
export function roundsRouter(deps: AppDeps): Router {
  const r = Router();

  r.get('/rounds/:round/wards', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { round } = validate<{ round: number }>(roundParam, req.params);
    const rows = await service.listRoundWards(ctx, round);
    res.json({ data: rows.map(presentRoundWard), meta: { total: rows.length, page: 1, pageSize: rows.length } });
  });

  r.get('/rounds/:round/wards/:wardCode/unreviewed', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { round, wardCode } = validate<WardRound>(wardRoundParams, req.params);
    const rows = await service.listUnreviewed(ctx, round, wardCode);
    res.json({ data: rows, meta: { total: rows.length, page: 1, pageSize: rows.length } });
  });

  r.post('/rounds/:round/wards/:wardCode/submit', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const { round, wardCode } = validate<WardRound>(wardRoundParams, req.params);
    res.json(presentRoundWard(await service.submitRound(ctx, round, wardCode)));
  });

  r.post('/rounds/:round/wards/:wardCode/approve', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin', 'district']);
    const { round, wardCode } = validate<WardRound>(wardRoundParams, req.params);
    const body = validate<service.ApproveInput>(approveSchema, req.body ?? {});
    res.json(presentRoundWard(await service.approveRound(ctx, round, wardCode, body)));
  });

  r.post('/rounds/:round/wards/:wardCode/reopen', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin', 'district']);
    const { round, wardCode } = validate<WardRound>(wardRoundParams, req.params);
    const { reason } = validate<{ reason: string }>(reopenSchema, req.body ?? {});
    res.json(presentRoundWard(await service.reopenRound(ctx, round, wardCode, reason)));
  });
  return r;
}
