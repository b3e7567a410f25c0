/**
 * The household list (issue 14; ranking issue 15): one page in scope with its exact total, keyset cursors for the
 * pager, and with a search the households whose head name matches first.
 */
import type { Ctx } from '../../context.ts';
import { readDataVersion, VersionedCache } from '../data-version.ts';
import * as repo from './repository.ts';
import { decodeCursor, encodeCursor, searchQueryOf } from './rules.ts';

export interface ListInput extends repo.HouseholdFilters {
  page: number;
  pageSize: number;
  /** The pager's cursor (rules.ts encodeCursor); without it the page number is an OFFSET. */
  cursor?: string;
}

export interface ListPage {
  rows: repo.ListedHousehold[];
  total: number;
  /** Cursors for the pager's next and previous links (null at either end). */
  nextCursor: string | null;
  prevCursor: string | null;
}

/** Exact totals per (scope, filters), valid while the data version of the filtered wards stays the same. */
const totals = new VersionedCache<number>(2000);

function scopeKey(ctx: Ctx): string {
  const a = ctx.actor;
  return a.role === 'ward' ? `ward:${a.wardCode}` : a.role === 'district' ? `district:${a.districtCode}` : 'admin';
}

/**
 * A page of the list and its exact total. The total is the expensive part (it counts every matching household), so
 * it is cached against the data version of the wards it covers (server/domain/data-version.ts): any write to those
 * wards commits a new version, and the next request counts again.
 */
export async function listHouseholds(ctx: Ctx, input: ListInput): Promise<ListPage> {
  const { page, pageSize, cursor, ...filters } = input;
  const { roundMin } = ctx.config;
  const where = repo.householdListConditions(ctx.actor, filters, roundMin);
  // A search ranks head-name matches first (issue 15), and its cursors carry the rank: a cursor of the other kind
  // (a link from before the search changed) is ignored and the page number read as an OFFSET page.
  const folded = filters.q ? searchQueryOf(filters.q) : '';
  const headPosition = folded ? repo.headNamePosition(folded) : undefined;
  const decoded = cursor ? decodeCursor(cursor) : null;
  const c = decoded && (decoded.key.rank !== undefined) === Boolean(headPosition) ? decoded : null;
  const start: repo.PageStart = c ? (c.direction === 'next' ? { after: c.key } : { before: c.key }) : { offset: (page - 1) * pageSize };
  const wards = filters.ward ? [filters.ward] : ctx.actor.role === 'ward' && ctx.actor.wardCode ? [ctx.actor.wardCode] : null;
  const key = JSON.stringify([scopeKey(ctx), filters.ward ?? null, filters.status ?? 'active', folded, filters.round ?? null, filters.standard ?? null, filters.category ?? null]);
  // The replica when there is one (issue 16): rows, version and count from the same database, so a cached total
  // always matches the data it was counted on.
  const read = ctx.readDb ?? ctx.db;
  const ward = wards?.length === 1 ? wards[0] : undefined;
  const pageOf = (matches?: number) => repo.pageHouseholds(read, { where, start, limit: pageSize, round: filters.round, roundMin, headPosition, matches, ward });
  // A plain page is read beside the version; a search page after its (cached) total, since how many match decides
  // how its rows are read.
  const [version, plainRows] = await Promise.all([readDataVersion(read, wards), headPosition ? null : pageOf()]);
  let total = totals.get(key, version);
  if (total === undefined) {
    total = await repo.countHouseholds(read, where);
    totals.set(key, version, total);
  }
  const rows = plainRows ?? (await pageOf(total));
  const keyOf = (r: repo.ListedHousehold) => ({ wardCode: r.wardCode, householdCode: r.householdCode, ...(r.searchRank === null ? {} : { rank: r.searchRank }) });
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    rows,
    total,
    nextCursor: last && page * pageSize < total ? encodeCursor('next', keyOf(last)) : null,
    prevCursor: first && page > 1 ? encodeCursor('prev', keyOf(first)) : null,
  };
}
