/**
 * The rates report and trend (issue 6; domain.md §4–5), computed on request from the registry: one grouped scan
 * of the households (repository.ts) and one read of the totals, then pure assembly (rules.ts).
 * Scope: admin and district users get every ward of the district plus a district total row; a ward user gets its
 * own ward only and `total: null` (a district total would disclose the other wards' figures).
 */
import crypto from 'node:crypto';
import { readerOf, type Ctx } from '../../context.ts';
import { readDataVersion, VersionedCache } from '../data-version.ts';
import { wardsInScope } from '../scope.ts';
import { findDistrict } from '../units/repository.ts';
import { listWardTotals } from '../units/totals-repository.ts';
import { listMaskGroups } from './repository.ts';
import { approvalLookup } from '../rounds/service.ts';
import type { WardRoundRow } from '../rounds/repository.ts';
import { buildRateRow, countPairs, emptyCounts, sumCounts, sumTotals, type Approval, type RateRow, type RoundCounts, type RoundPair, type Standard } from './rules.ts';

type ReportCtx = Pick<Ctx, 'db' | 'readDb' | 'config' | 'actor'>;

export interface RoundReport {
  round: number;
  /** The round compared with (the start of every row): round − 1 unless asked otherwise; null in the baseline round. */
  from: number | null;
  rows: RateRow[];
  /** District row (sum of its wards); null for a ward user. Flagged NOT_ALL_APPROVED while any ward is not. */
  total: RateRow | null;
  /** "I. Khu vực thành thị" / "II. Khu vực nông thôn" subtotals, only when the district has both (domain.md §5). */
  sections: RateRow[];
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

function approvalOf(row: WardRoundRow | undefined): Approval {
  const status = (row?.status ?? 'open') as Approval['status'];
  return status === 'approved' ? { status, decisionNumber: row!.decisionNumber, decisionDate: row!.decisionDate } : { status, decisionNumber: null, decisionDate: null };
}

/** A total over wards: rates recomputed from summed counts and summed totals; approved only when every ward is. */
function totalRow(unit: { code: string; name: string }, rows: RateRow[], counts: RoundCounts[], baseline: boolean): RateRow {
  const allApproved = rows.every((r) => r.approval.status === 'approved');
  const approval: Approval = { status: allApproved ? 'approved' : rows.some((r) => r.approval.status !== 'open') ? 'submitted' : 'open', decisionNumber: null, decisionDate: null };
  const row = buildRateRow(unit, sumCounts(counts), sumTotals(rows.map((r) => r.totalHouseholds)), sumTotals(rows.map((r) => r.previousTotalHouseholds)), baseline, approval);
  if (!allApproved) row.flags.push('NOT_ALL_APPROVED');
  return row;
}

/** Computes the report of each pair of rounds (from < round) from one grouped scan and one read of the totals. */
async function computePairs(ctx: ReportCtx, standard: Standard, pairs: RoundPair[]) {
  const { roundMin } = ctx.config;
  const districtCode = ctx.actor.districtCode ?? ctx.config.districtCode;
  const wards = await wardsInScope(ctx.db, ctx.actor, districtCode);
  const codes = wards.map((w) => w.code);
  const [groups, totals, district, approvals] = await Promise.all([
    listMaskGroups(ctx.db, standard, codes),
    listWardTotals(ctx.db, codes, Math.min(...pairs.map((p) => p.from)), Math.max(...pairs.map((p) => p.round))),
    findDistrict(ctx.db, districtCode),
    approvalLookup(ctx.db, codes),
  ]);
  const totalOf = new Map(totals.map((t) => [`${t.wardCode}/${t.round}`, t.households]));
  const total = (code: string, round: number) => totalOf.get(`${code}/${round}`) ?? null;
  const statusRow = new Map(approvals.rows.map((r) => [`${r.wardCode}/${r.round}`, r]));
  const scope: 'district' | 'ward' = ctx.actor.role === 'ward' ? 'ward' : 'district';
  const districtUnit = { code: districtCode, name: district?.name ?? districtCode };
  const counted = countPairs(groups, pairs, roundMin, approvals.approved);
  const bothAreas = new Set(wards.map((w) => w.area)).size > 1;

  const rounds: RoundReport[] = pairs.map(({ from, round }, p) => {
    const baseline = round === roundMin;
    const counts = counted[p]!;
    const wardCounts = wards.map((w) => counts.get(w.code) ?? emptyCounts());
    const rows = wards.map((w, i) => buildRateRow(w, wardCounts[i]!, total(w.code, round), total(w.code, from), baseline, approvalOf(statusRow.get(`${w.code}/${round}`))));
    const sections =
      scope === 'ward' || !bothAreas
        ? []
        : (['urban', 'rural'] as const).map((area) => {
            const idx = wards.map((w, i) => (w.area === area ? i : -1)).filter((i) => i >= 0);
            const section = totalRow({ code: area, name: area === 'urban' ? 'Khu vực thành thị' : 'Khu vực nông thôn' }, idx.map((i) => rows[i]!), idx.map((i) => wardCounts[i]!), baseline);
            section.area = area;
            return section;
          });
    return { round, from: baseline ? null : from, rows, total: scope === 'ward' ? null : totalRow(districtUnit, rows, wardCounts, baseline), sections };
  });
  return { scope, district: districtUnit, rounds };
}

/**
 * Which data a report is made of, and at which version (server/domain/data-version.ts): the cache key and the ETag.
 * Read before the report is computed, so a commit that lands in between can only make the cached body newer than
 * its version, never older; the next request reads the newer version and recomputes.
 */
export interface ReportTag {
  key: string;
  version: number;
  etag: string;
}

const reports = new VersionedCache<RatesReport | TrendReport>(500);

export async function reportTag(ctx: ReportCtx, kind: 'rates' | 'trend', q: Record<string, unknown>): Promise<ReportTag> {
  const a = ctx.actor;
  const wards = a.role === 'ward' && a.wardCode ? [a.wardCode] : null;
  const scope = `${a.role}:${a.role === 'ward' ? a.wardCode : (a.districtCode ?? ctx.config.districtCode)}`;
  const key = `${kind}|${scope}|${JSON.stringify(q)}`;
  // Read where the report will be read (the replica, issue 16): the version matches the data it tags.
  const version = await readDataVersion(readerOf(ctx).db, wards);
  const hash = crypto.createHash('sha256').update(key).digest('base64url').slice(0, 16);
  return { key, version, etag: `W/"${kind}-${hash}-${version}"` };
}

async function cached<T extends RatesReport | TrendReport>(tag: ReportTag | undefined, compute: () => Promise<T>): Promise<T> {
  const hit = tag ? (reports.get(tag.key, tag.version) as T | undefined) : undefined;
  if (hit) return hit;
  const value = await compute();
  if (tag) reports.set(tag.key, tag.version, value);
  return value;
}

/** What identifies a rates report: its round, standard and start round (`from`, round − 1 when not asked). */
export interface RatesQuery {
  round: number;
  standard: Standard;
  from?: number;
}

/** The query with its default start round filled in: the cache key of the report ("from" absent = round − 1). */
export const ratesKey = (q: RatesQuery) => ({ round: q.round, from: q.from ?? q.round - 1, standard: q.standard });

/**
 * The rates report of `round` compared with `from` (default round − 1; any earlier round: issue 15); with a tag
 * (reportTag over ratesKey) it is served from the cache while the data version stays the same.
 */
export async function ratesReport(ctx: ReportCtx, q: RatesQuery, tag?: ReportTag): Promise<RatesReport> {
  return cached(tag, async () => {
    const { round, from } = ratesKey(q);
    const r = await computePairs(readerOf(ctx), q.standard, [{ from, round }]);
    const one = r.rounds[0]!;
    return { round, from: one.from, standard: q.standard, scope: r.scope, district: r.district, rows: one.rows, total: one.total, sections: one.sections };
  });
}

export async function trendReport(ctx: ReportCtx, q: { from: number; to: number; standard: Standard }, tag?: ReportTag): Promise<TrendReport> {
  return cached(tag, async () => {
    const pairs: RoundPair[] = [];
    for (let round = q.from; round <= q.to; round++) pairs.push({ from: round - 1, round });
    const r = await computePairs(readerOf(ctx), q.standard, pairs);
    return { standard: q.standard, from: q.from, to: q.to, scope: r.scope, district: r.district, rounds: r.rounds };
  });
}
