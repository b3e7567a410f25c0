import { Router, type Response } from 'express';
import type { AppDeps } from '../../context.ts';
import { ctxOf, readCtxOf } from '../auth.ts';
import { validate } from '../validate.ts';
import { householdsExportQuery, ratesQuery, totalBody, totalParams, totalsQuery, trendQuery } from '../schemas/reports.ts';
import { presentRatesReport, presentTrendReport, presentWardTotal } from '../presenters/reports.ts';
import { ratesReport, trendReport } from '../../domain/reports/service.ts';
import { prepareHouseholdsExport, prepareRatesExport, type PreparedExport } from '../../domain/reports/export-service.ts';
import type { HouseholdFilters } from '../../domain/households/repository.ts';
import { listScopedWardTotals, setWardTotal } from '../../domain/units/totals-service.ts';
import type { Standard } from '../../domain/reports/rules.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Opens the download only once the export is prepared (checked, audited): refusals stay JSON errors. */
async function download(res: Response, job: PreparedExport): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', XLSX);
  res.setHeader('Content-Disposition', `attachment; filename="${job.fileName}"`);
  await job.write(res);
}

/** Rates report, trend, their exports, and the totals (denominators) they divide by. See docs/reports.md. */
export function reportsRouter(deps: AppDeps): Router {
  const r = Router();
  // Built once: the round bounds come from the config.
  const rates = ratesQuery(deps.config);
  const trend = trendQuery(deps.config);
  const totals = totalsQuery(deps.config);
  const params = totalParams(deps.config);

  r.get('/units/totals', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const q = validate<{ round: number }>(totals, req.query);
    res.json({ round: q.round, data: (await listScopedWardTotals(ctx, q.round)).map(presentWardTotal) });
  });

  r.put('/units/:wardCode/totals/:round', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin', 'district']);
    const p = validate<{ wardCode: string; round: number }>(params, req.params);
    const body = validate<{ households: number }>(totalBody, req.body);
    res.json(presentWardTotal(await setWardTotal(ctx, p.wardCode, p.round, body.households)));
  });

  r.get('/reports/rates', async (req, res) => {
    const ctx = await readCtxOf(req, deps);
    const q = validate<{ round: number; standard: Standard }>(rates, req.query);
    res.json(presentRatesReport(await ratesReport(ctx, q)));
  });

  r.get('/reports/trend', async (req, res) => {
    const ctx = await readCtxOf(req, deps);
    const q = validate<{ from: number; to: number; standard: Standard }>(trend, req.query);
    res.json(presentTrendReport(await trendReport(ctx, q)));
  });

  r.get('/reports/rates.xlsx', async (req, res) => {
    const ctx = await readCtxOf(req, deps);
    const q = validate<{ round: number; standard: Standard }>(rates, req.query);
    await download(res, await prepareRatesExport(ctx, q));
  });

  r.get('/households.xlsx', async (req, res) => {
    const ctx = await readCtxOf(req, deps);
    const q = validate<HouseholdFilters>(householdsExportQuery, req.query);
    await download(res, await prepareHouseholdsExport(ctx, q));
  });

  return r;
}
