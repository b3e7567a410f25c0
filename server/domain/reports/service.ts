/**
 * The rates report and trend (issue 6; domain.md §4–5), computed on request from the registry: one grouped scan
 * of the households (repository.ts) and one read of the totals, then pure assembly (rules.ts).
 * Scope: admin and district users get every ward of the district plus a district total row; a ward user gets its
 * own ward only and `total: null` (a district total would disclose the other wards' figures).
 */
import { readerOf, type Ctx } from '../../context.ts';
import { wardsInScope } from '../scope.ts';
import { findDistrict } from '../units/repository.ts';
import { listWardTotals } from '../units/totals-repository.ts';
import { listMaskGroups } from './repository.ts';
import { buildRateRow, countRound, emptyCounts, sumCounts, sumTotals, type RateRow, type Standard } from './rules.ts';

type ReportCtx = Pick<Ctx, 'db' | 'readDb' | 'config' | 'actor'>;

export interface RoundReport {
  round: number;
  rows: RateRow[];
  /** District row (sum of its wards); null for a ward user. */
  total: RateRow | null;
}

export interface RatesReport extends RoundReport {
  standard: Standard;
  scope: 'district' | 'ward';
  district: { code: string; name: string };
}

export interface TrendReport {
  standard: Standard;
  from: number;
  to: number;
  scope: 'district' | 'ward';
  district: { code: string; name: string };
  rounds: RoundReport[];
}

async function computeRounds(ctx: ReportCtx, standard: Standard, from: number, to: number) {
  const { roundMin } = ctx.config;
  const districtCode = ctx.actor.districtCode ?? ctx.config.districtCode;
  const wards = await wardsInScope(ctx.db, ctx.actor, districtCode);
  const codes = wards.map((w) => w.code);
  const [groups, totals, district] = await Promise.all([
    listMaskGroups(ctx.db, standard, codes),
    listWardTotals(ctx.db, codes, from - 1, to),
    findDistrict(ctx.db, districtCode),
  ]);
  const totalOf = new Map(totals.map((t) => [`${t.wardCode}/${t.round}`, t.households]));
  const total = (code: string, round: number) => totalOf.get(`${code}/${round}`) ?? null;
  const scope: 'district' | 'ward' = ctx.actor.role === 'ward' ? 'ward' : 'district';

  const rounds: RoundReport[] = [];
  for (let round = from; round <= to; round++) {
    const baseline = round === roundMin;
    const counts = countRound(groups, round, roundMin);
    const wardCounts = wards.map((w) => counts.get(w.code) ?? emptyCounts());
    const rows = wards.map((w, i) => buildRateRow(w, wardCounts[i]!, total(w.code, round), total(w.code, round - 1), baseline));
    const totalRow =
      scope === 'ward'
        ? null
        : buildRateRow(
            { code: districtCode, name: district?.name ?? districtCode },
            sumCounts(wardCounts),
            sumTotals(rows.map((r) => r.totalHouseholds)),
            sumTotals(rows.map((r) => r.previousTotalHouseholds)),
            baseline,
          );
    rounds.push({ round, rows, total: totalRow });
  }
  return { scope, district: { code: districtCode, name: district?.name ?? districtCode }, rounds };
}

export async function ratesReport(ctx: ReportCtx, q: { round: number; standard: Standard }): Promise<RatesReport> {
  const r = await computeRounds(readerOf(ctx), q.standard, q.round, q.round);
  return { round: q.round, standard: q.standard, scope: r.scope, district: r.district, rows: r.rounds[0]!.rows, total: r.rounds[0]!.total };
}

export async function trendReport(ctx: ReportCtx, q: { from: number; to: number; standard: Standard }): Promise<TrendReport> {
  const r = await computeRounds(readerOf(ctx), q.standard, q.from, q.to);
  return { standard: q.standard, from: q.from, to: q.to, scope: r.scope, district: r.district, rounds: r.rounds };
}
