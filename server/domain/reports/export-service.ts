/**
 * Exports of the reports area: each one is scoped like the data it writes and audited as an `export` event (who
 * took which figures or which personal data out of the registry). Preparing an export does every check and the
 * audit first, so a refusal is still a JSON error; only then does the caller open the download and stream.
 */
import type { Writable } from 'node:stream';
import { readerOf, type Ctx } from '../../context.ts';
import { recordAudit } from '../audit/repository.ts';
import { indicatorColumns } from '../imports/indicators.ts';
import { householdListConditions, type HouseholdFilters } from '../households/repository.ts';
import { requireWardInScope, wardsInScope } from '../scope.ts';
import { listWards } from '../units/repository.ts';
import { writeHouseholdsWorkbook } from './households-xlsx.ts';
import { compared, writeRatesWorkbook } from './rates-xlsx.ts';
import { pageHouseholdsForExport } from './repository.ts';
import { ratesReport, type RatesQuery } from './service.ts';

export interface PreparedExport {
  fileName: string;
  write(out: Writable): Promise<void>;
}

export async function prepareRatesExport(ctx: Ctx, q: RatesQuery): Promise<PreparedExport> {
  const report = await ratesReport(ctx, q);
  await recordAudit(ctx.db, ctx, {
    action: 'export',
    entity: 'rates_report',
    wardCode: ctx.actor.role === 'ward' ? ctx.actor.wardCode : null,
    meta: { format: 'xlsx', round: q.round, from: report.from, standard: q.standard, wards: report.rows.map((r) => r.code) },
  });
  const placeName = report.scope === 'ward' && report.rows[0] ? `${report.rows[0].name}, ${report.district.name}` : report.district.name;
  return {
    // A comparison with another round than the previous one names both: ty-le-ho-ngheo-2016-2019-city.xlsx.
    fileName: `ty-le-ho-ngheo-${compared(report) ? `${report.from}-` : ''}${q.round}-${q.standard}.xlsx`,
    write: (out) => writeRatesWorkbook(report, out, { placeName, generatedAt: new Date(), generatedBy: ctx.actor.username }),
  };
}

/** Rows per database page of the households export: bounded memory whatever the district's size. */
const EXPORT_PAGE = 1000;

/**
 * Named by content, as officers file them: ho-ngheo-2017.xlsx, ho-can-ngheo-2017.xlsx (+ ward code, + "-qg" for the
 * national standard); any other filter gives ho-gia-dinh[-ward][-round].xlsx.
 */
export function householdsFileName(f: Pick<HouseholdFilters, 'ward' | 'round' | 'category' | 'standard'>): string {
  const list = f.category === 'poor' ? 'ho-ngheo' : f.category === 'near_poor' ? 'ho-can-ngheo' : 'ho-gia-dinh';
  const national = f.category && f.standard === 'national' ? '-qg' : '';
  return `${list}${f.ward ? `-${f.ward}` : ''}${f.round ? `-${f.round}` : ''}${national}.xlsx`;
}

/**
 * households.xlsx with the same filters as GET /api/households (helper B's householdListConditions: scope, ward,
 * status, search text, round and category). A ward outside the scope is 404, as in the list.
 */
export async function prepareHouseholdsExport(ctx: Ctx, filters: HouseholdFilters): Promise<PreparedExport> {
  // Reads from the replica when there is one (the audit row below goes to the primary).
  const read = readerOf(ctx).db;
  // The wards to walk: the filtered one (404 outside the scope), else the scope's (an admin's scope is every ward).
  const wards = filters.ward
    ? [await requireWardInScope(read, ctx.actor, filters.ward)]
    : ctx.actor.role === 'admin'
      ? await listWards(read)
      : await wardsInScope(read, ctx.actor, ctx.config.districtCode);
  const where = householdListConditions(ctx.actor, filters, ctx.config.roundMin);
  const { indicators } = await indicatorColumns(read, ctx.config);
  await recordAudit(ctx.db, ctx, {
    action: 'export',
    entity: 'households',
    wardCode: filters.ward ?? (ctx.actor.role === 'ward' ? ctx.actor.wardCode : null),
    // The filters only: the search text may hold a name, and personal data stays out of the audit meta.
    meta: { format: 'xlsx', ward: filters.ward ?? null, round: filters.round ?? null, standard: filters.standard ?? null, category: filters.category ?? null, status: filters.status ?? 'active', search: Boolean(filters.q) },
  });
  return {
    fileName: householdsFileName(filters),
    write: async (out) => {
      await writeHouseholdsWorkbook(wards, indicators, (page) => pageHouseholdsForExport(read, where, { ...page, round: filters.round, limit: EXPORT_PAGE }), out);
    },
  };
}
