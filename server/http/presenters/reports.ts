/** JSON shapes of the reports area. The report objects are already the documented API shape (docs/reports.md). */
import type { RatesReport, TrendReport } from '../../domain/reports/service.ts';
import type { WardTotalView } from '../../domain/units/totals-service.ts';

export const presentRatesReport = (r: RatesReport) => r;
export const presentTrendReport = (r: TrendReport) => r;

export const presentWardTotal = (t: WardTotalView) => ({ wardCode: t.code, name: t.name, round: t.round, households: t.households });
