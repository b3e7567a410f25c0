import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../context.ts';
import { ctxOf, readCtxOf } from '../auth.ts';
import { validate } from '../validate.ts';
import { householdsExportQuery, ratesQuery, totalBody, totalParams, totalsQuery, trendQuery } from '../schemas/reports.ts';
import { presentRatesReport, presentTrendReport, presentWardTotal } from '../presenters/reports.ts';
import { ratesKey, ratesReport, reportTag, trendReport, type RatesQuery, type ReportTag } from '../../domain/reports/service.ts';
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

/**
 * ETag of the report's data version; `If-None-Match` with it answers 304 without computing anything. `no-cache`:
 * the browser may keep the body but must ask again each time (a write anywhere in scope changes the tag).
 * Compared here (weak comparison, RFC 9110 §13.1.2) rather than with `req.fresh`, which treats every request
 * carrying `Cache-Control: no-cache` as stale — and fetch() adds that header to any request with If-None-Match.
 */
function notModified(req: Request, res: Response, tag: ReportTag): boolean {
  res.set('ETag', tag.etag).set('Cache-Control', 'private, no-cache');
  const header = req.get('if-none-match');
  if (!header) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  const mine = opaque(tag.etag);
  if (header.trim() !== '*' && !header.split(',').some((t) => opaque(t) === mine)) return false;
  res.status(304).end();
  return true;
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
    const q = validate<RatesQuery>(rates, req.query);
    // Keyed with the start round filled in: `from` absent and `from` = round − 1 are the same report.
    const tag = await reportTag(ctx, 'rates', ratesKey(q));
    if (notModified(req, res, tag)) return;
    res.json(presentRatesReport(await ratesReport(ctx, q, tag)));
  });

  r.get('/reports/trend', async (req, res) => {
    const ctx = await readCtxOf(req, deps);
    const q = validate<{ from: number; to: number; standard: Standard }>(trend, req.query);
    const tag = await reportTag(ctx, 'trend', q);
    if (notModified(req, res, tag)) return;
    res.json(presentTrendReport(await trendReport(ctx, q, tag)));
  });

  r.get('/reports/rates.xlsx', async (req, res) => {
    const ctx = await readCtxOf(req, deps);
    const q = validate<RatesQuery>(rates, req.query);
    await download(res, await prepareRatesExport(ctx, q));
  });

  r.get('/households.xlsx', async (req, res) => {
    const ctx = await readCtxOf(req, deps);
    const q = validate<HouseholdFilters>(householdsExportQuery, req.query);
    await download(res, await prepareHouseholdsExport(ctx, q));
  });

  return r;
}
