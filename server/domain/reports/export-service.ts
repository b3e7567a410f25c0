/**
 * Exports of the reports area: each one is scoped like the report it writes and audited as an `export` event
 * (who took which figures or which personal data out of the registry) before the file is streamed.
 */
import type { Writable } from 'node:stream';
import type { Ctx } from '../../context.ts';
import { recordAudit } from '../audit/repository.ts';
import { writeRatesWorkbook } from './rates-xlsx.ts';
import { ratesReport } from './service.ts';
import type { Standard } from './rules.ts';

export async function exportRatesWorkbook(ctx: Ctx, q: { round: number; standard: Standard }, out: Writable): Promise<void> {
  const report = await ratesReport(ctx, q);
  await recordAudit(ctx.db, ctx, {
    action: 'export',
    entity: 'rates_report',
    wardCode: ctx.actor.role === 'ward' ? ctx.actor.wardCode : null,
    meta: { format: 'xlsx', round: q.round, standard: q.standard, wards: report.rows.map((r) => r.code) },
  });
  const placeName = report.scope === 'ward' && report.rows[0] ? `${report.rows[0].name}, ${report.district.name}` : report.district.name;
  await writeRatesWorkbook(report, out, { placeName, generatedAt: new Date(), generatedBy: ctx.actor.username });
}
