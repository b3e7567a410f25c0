/** All SQL of the households area. Every read goes through the actor's scope (server/domain/scope.ts). */
import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Actor } from '../../context.ts';
import { queryRows, queryRowsPacked, type Executor } from '../../db/client.ts';
import { households } from '../../db/schema.ts';
import type { Category, Standard } from '../criteria/types.ts';
import { wardScopeCondition } from '../scope.ts';
import { MAX_MASK_BIT, type ListMasks } from '../assessments/rules.ts';
import { searchQueryOf, type PageKey } from './rules.ts';

export type HouseholdRow = typeof households.$inferSelect;
export type NewHouseholdRow = typeof households.$inferInsert;

export interface HouseholdFilters {
  ward?: string;
  round?: number;
  standard?: Standard;
  category?: Category;
  q?: string;
  status?: 'active' | 'archived' | 'all';
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const ROUND_MASKS = {
  city: { poor: households.cityPoorMask, nearPoor: households.cityNearPoorMask, average: households.cityAverageMask },
  national: { poor: households.nationalPoorMask, nearPoor: households.nationalNearPoorMask, average: households.nationalAverageMask },
} as const;

/**
 * The round (and category) filter read from the household's own round masks (docs/ARCHITECTURE.md "Domain storage
 * notes"): no probe into assessments per household. For the two lists the literal `<> 0` lets the planner use the
 * partial list index households_<standard>_lists_idx. Categories are exhaustive, so not_poor = assessed and on none
 * of the three other bits.
 */
function roundCondition(f: HouseholdFilters, roundMin: number): SQL | undefined {
  if (f.round === undefined) return undefined;
  const k = f.round - roundMin;
  if (k < 0 || k > MAX_MASK_BIT) return sql`false`;
  const bit = sql.raw(String(1 << k));
  const m = ROUND_MASKS[f.standard === 'national' ? 'national' : 'city'];
  const on = (column: AnyPgColumn) => sql`(${column} & ${bit}) <> 0`;
  switch (f.category) {
    case undefined:
      return on(households.assessedMask);
    case 'poor':
      return sql`${on(m.poor)} and ${m.poor} <> 0`;
    case 'near_poor':
      return sql`${on(m.nearPoor)} and ${m.nearPoor} <> 0`;
    case 'average':
      return on(m.average);
    case 'not_poor':
      return sql`${on(households.assessedMask)} and ((${m.poor} | ${m.nearPoor} | ${m.average}) & ${bit}) = 0`;
  }
}

/**
 * The WHERE of the household list, shared with the households.xlsx export: scope, ward, status, accent-insensitive
 * text (households.search_text holds the folded name, code, address and member names; a trigram index serves the
 * substring match), and — for a round — only households assessed in that round, optionally in one category under
 * the chosen standard.
 */
export function householdListConditions(actor: Actor, f: HouseholdFilters, roundMin: number): SQL | undefined {
  const status = f.status ?? 'active';
  const conditions: (SQL | undefined)[] = [wardScopeCondition(actor, households.wardCode)];
  if (f.ward) conditions.push(eq(households.wardCode, f.ward));
  if (status !== 'all') conditions.push(eq(households.status, status));
  const q = f.q ? searchQueryOf(f.q) : '';
  if (q) conditions.push(sql`${households.searchText} like ${'%' + likeEscape(q) + '%'}`);
  conditions.push(roundCondition(f, roundMin));
  return and(...conditions);
}

/**
 * The columns a list row carries. Not the search text, and not the members JSON unless the page is a search (the
 * client shows which member matched): building 50 full households with their members was what kept the embedded
 * engine's pages at 0.15× the floor (issue 14).
 */
const {
  searchText: _searchText, members: _members, headIdNumber: _headIdNumber, createdAt: _createdAt, createdBy: _createdBy, updatedBy: _updatedBy,
  ...LIST_COLUMNS
} = getTableColumns(households);
/** The same columns as a raw select list, each named as its field ("ward_code" as "wardCode"). */
const selectList = (columns: Record<string, { name: string }>) =>
  sql.raw(Object.entries(columns).map(([field, column]) => `"households"."${column.name}" as "${field}"`).join(', '));
const LIST_COLUMNS_WITH_MEMBERS = { ...LIST_COLUMNS, members: households.members };
const LIST_SELECT = selectList(LIST_COLUMNS);
const LIST_SELECT_WITH_MEMBERS = selectList(LIST_COLUMNS_WITH_MEMBERS);
const LIST_FIELDS = Object.keys(LIST_COLUMNS);
const LIST_FIELDS_WITH_MEMBERS = Object.keys(LIST_COLUMNS_WITH_MEMBERS);
/** The household fields a list row carries (the presenter's summary and the round masks). */
export type HouseholdListFields = Omit<HouseholdRow, 'searchText' | 'members' | 'headIdNumber' | 'createdAt' | 'createdBy' | 'updatedBy'>;

/**
 * Where the folded query sits in the head name's part of search_text (issue 15: head-name matches first): > 0 for
 * search rank 0, 0 for rank 1 (matched only the code, address or a member). The head name's part starts after the code
 * and a space (rules.ts searchTextOf; codes are ASCII, so their folded length is their length) and is as long as the
 * stored name: folding maps each letter of an NFC name to one letter. A name holding a stray combining mark folds
 * shorter, and the part then takes a character or two of the address: only the rank can be off, never the match.
 */
export function headNamePosition(q: string): SQL<number> {
  return sql<number>`strpos(substr(${households.searchText}, char_length(${households.householdCode}) + 2, char_length(${households.headName})), ${q})`;
}

/** A list row: the household, its round category read from the masks when a round was asked for. */
export interface ListedHousehold extends HouseholdListFields {
  members?: HouseholdRow['members'];
  roundCityCategory: Category | null;
  roundNationalCategory: Category | null;
  /** With a search: 0 = the head name matches, 1 = another field only (headNameRank); null without one. */
  searchRank: 0 | 1 | null;
}

/** Where a page starts: after (next) or before (previous) the row of a cursor; OFFSET when no cursor is given. */
export type PageStart = { offset: number } | { after: PageKey } | { before: PageKey };

function categoryIn(h: HouseholdListFields, standard: Standard, bit: number): Category | null {
  const m = standard === 'city' ? [h.cityPoorMask, h.cityNearPoorMask, h.cityAverageMask] : [h.nationalPoorMask, h.nationalNearPoorMask, h.nationalAverageMask];
  if (!(h.assessedMask & bit)) return null;
  return m[0]! & bit ? 'poor' : m[1]! & bit ? 'near_poor' : m[2]! & bit ? 'average' : 'not_poor';
}

type RawListRow = Omit<ListedHousehold, 'roundCityCategory' | 'roundNationalCategory' | 'searchRank'>;

interface RowsRead {
  key?: PageKey | null;
  backwards?: boolean;
  limit: number;
  offset?: number;
  /** A search page carries the members too: the client shows which member matched. */
  withMembers?: boolean;
  /** Order by this search rank first (0 or 1), keyed on it too, and return it as `searchRank`. */
  rank?: SQL<number>;
  /** The one ward `where` restricts the list to, if it does (see keyCondition). */
  ward?: string;
}

/**
 * Rows past a page key. Within the one ward the list is restricted to, `household_code > key` rather than the row
 * comparison `(ward_code, household_code) > (key)`: next to `ward_code = …`, PostgreSQL 15 starts the index scan at
 * the ward's first entry and filters its way to the key (0.47 ms for a page near the end of a 10,500-household ward,
 * against 0.05 ms for the first page; 0.05 ms either way with this form). A key from another ward (a stale link)
 * keeps the row comparison, which means the same thing.
 */
function keyCondition(r: RowsRead, key: PageKey): SQL {
  const op = sql.raw(r.backwards ? '<' : '>');
  if (r.rank) return sql`(${r.rank}, ${households.wardCode}, ${households.householdCode}) ${op} (${key.rank ?? 0}, ${key.wardCode}, ${key.householdCode})`;
  if (r.ward !== undefined && key.wardCode === r.ward) return sql`${households.householdCode} ${op} ${key.householdCode}`;
  return sql`(${households.wardCode}, ${households.householdCode}) ${op} (${key.wardCode}, ${key.householdCode})`;
}

/**
 * Rows of `where` in ([rank,] ward, household code) order: after or before a key (keyset: a range scan of
 * households_ward_code_idx from the key, as fast on page 200 as on page 1) or at an OFFSET. Always ascending.
 */
async function selectRows(exec: Executor, where: SQL | undefined, r: RowsRead): Promise<(RawListRow & { searchRank?: 0 | 1 })[]> {
  if (r.limit <= 0) return [];
  const { key, backwards = false, rank } = r;
  const conditions = and(where, key ? keyCondition(r, key) : undefined);
  const dir = backwards ? 'desc' : 'asc';
  const direction = sql.raw(dir);
  const order = rank ? sql`${rank} ${direction}, ` : sql``;
  // Raw SQL with the list's columns named as the row's fields: through the query builder, building the selection
  // and mapping 50 rows × 20 fields one by one took about a third of the API process's CPU per page (profile under
  // load, issue 14). The drivers return numbers and JSON in their types; the one timestamp is converted below.
  const withMembers = Boolean(r.withMembers || rank);
  const rows = await queryRowsPacked<RawListRow & { searchRank?: number }>(
    exec,
    sql`select ${withMembers ? LIST_SELECT_WITH_MEMBERS : LIST_SELECT}${rank ? sql`, ${rank} as "searchRank"` : sql``} from ${households}
        ${conditions ? sql`where ${conditions}` : sql``}
        order by ${order}${households.wardCode} ${direction}, ${households.householdCode} ${direction}
        limit ${r.limit} offset ${r.offset ?? 0}`,
    [...(withMembers ? LIST_FIELDS_WITH_MEMBERS : LIST_FIELDS), ...(rank ? ['searchRank'] : [])],
    [...(rank ? [['searchRank', dir] as const] : []), ['wardCode', dir], ['householdCode', dir]],
  );
  for (const row of rows) {
    // Drizzle's drivers hand timestamps of raw queries back as text (it maps them itself in the builder), and packed
    // rows (queryRowsPacked) as JSON text.
    if (!(row.updatedAt instanceof Date)) row.updatedAt = new Date(row.updatedAt as unknown as string);
    if (rank) row.searchRank = Number(row.searchRank) === 0 ? 0 : 1;
  }
  return (backwards ? rows.reverse() : rows) as (RawListRow & { searchRank?: 0 | 1 })[];
}

/**
 * Up to `fewMatches` matches, one query ranking and sorting them all beats two range scans (each a trigram scan).
 * A setting object so the tests can walk the same pages both ways.
 */
export const SEARCH_PLAN = { fewMatches: 300 };

/**
 * A search page in (rank, ward, household code) order — households whose head name matches first (issue 15) — read
 * as two (ward, code) segments, head matches then the rest, each a range scan that stops at the page's end. One
 * query ordered by the rank expression would have to rank and sort every match first: 36 ms against 0.3 ms for
 * "nguyen van" in a ward of 10,500 households (PostgreSQL, issue 14 bench).
 */
async function searchRows(exec: Executor, p: PageRequest, headPosition: SQL<number>): Promise<(RawListRow & { searchRank: 0 | 1 })[]> {
  const { where, start, limit, matches, ward } = p;
  // Few matches (a rare name): one query ranking and sorting them all, one index scan instead of two.
  if (matches !== undefined && matches <= SEARCH_PLAN.fewMatches) {
    const rank = sql<number>`(case when ${headPosition} > 0 then 0 else 1 end)`;
    const key = 'after' in start ? start.after : 'before' in start ? start.before : null;
    return (await selectRows(exec, where, { key, backwards: 'before' in start, limit, offset: 'offset' in start ? start.offset : 0, rank })) as (RawListRow & { searchRank: 0 | 1 })[];
  }
  // Inequalities, not `= 0`: the planner's default guess for an equality on an expression (0.5 %) made it fetch and
  // sort every trigram match instead of scanning the ward in order up to the page's end (18 ms against 1 ms).
  const segment = (r: 0 | 1) => and(where, r === 0 ? sql`${headPosition} > 0` : sql`${headPosition} < 1`);
  const tag = (r: 0 | 1) => (rows: RawListRow[]) => rows.map((row) => Object.assign(row, { searchRank: r }));
  const heads = async (key: PageKey | null, backwards: boolean, limit: number, offset = 0) => tag(0)(await selectRows(exec, segment(0), { key, backwards, limit, offset, withMembers: true, ward }));
  const others = async (key: PageKey | null, backwards: boolean, limit: number, offset = 0) => tag(1)(await selectRows(exec, segment(1), { key, backwards, limit, offset, withMembers: true, ward }));
  if ('before' in start) {
    if ((start.before.rank ?? 0) === 0) return heads(start.before, true, limit);
    const tail = await others(start.before, true, limit);
    return [...(await heads(null, true, limit - tail.length)), ...tail];
  }
  if ('after' in start && (start.after.rank ?? 0) === 1) return others(start.after, false, limit);
  let offset = 'offset' in start ? start.offset : 0;
  // A bookmarked page past the first: how many head matches come before decides where it starts.
  if (offset > 0) {
    const headCount = await countHouseholds(exec, segment(0));
    if (offset >= headCount) return others(null, false, limit, offset - headCount);
  }
  const first = await heads('after' in start ? start.after : null, false, limit, offset);
  return [...first, ...(await others(null, false, limit - first.length))];
}

export interface PageRequest {
  where: SQL | undefined;
  start: PageStart;
  limit: number;
  round?: number;
  roundMin: number;
  /** headNamePosition of the folded query, for a search page. */
  headPosition?: SQL<number>;
  /** The search's exact total, when known. */
  matches?: number;
  /** The one ward `where` restricts the list to (a ward officer, or a ward filter), if it does. */
  ward?: string;
}

/**
 * One page of the list in (ward, household code) order — with a search, (rank, ward, household code): households
 * whose head name matches first, on every page. With a cursor it is a keyset page; without one (a bookmarked page
 * number) it falls back to OFFSET.
 */
export async function pageHouseholds(exec: Executor, p: PageRequest): Promise<ListedHousehold[]> {
  const { where, start, limit, round, roundMin, headPosition, ward } = p;
  const rows: (RawListRow & { searchRank?: 0 | 1 })[] = headPosition
    ? await searchRows(exec, p, headPosition)
    : await selectRows(exec, where, { key: 'after' in start ? start.after : 'before' in start ? start.before : null, backwards: 'before' in start, limit, offset: 'offset' in start ? start.offset : 0, ward });
  const k = round === undefined ? -1 : round - roundMin;
  const bit = k >= 0 && k <= MAX_MASK_BIT ? 1 << k : 0;
  // Filled in place: copying 50 rows of 20 fields per page showed in the profile of the list under load.
  return rows.map((h) => Object.assign(h, { searchRank: h.searchRank ?? null, roundCityCategory: categoryIn(h, 'city', bit), roundNationalCategory: categoryIn(h, 'national', bit) }));
}

export async function countHouseholds(exec: Executor, where: SQL | undefined): Promise<number> {
  const [row] = await exec.select({ n: sql<number>`count(*)::int` }).from(households).where(where);
  return row?.n ?? 0;
}

/** One household inside the actor's scope (null when missing or outside: the caller answers 404 either way). */
export async function findHousehold(exec: Executor, actor: Actor, id: string, opts: { forUpdate?: boolean } = {}): Promise<HouseholdRow | null> {
  const query = exec.select().from(households).where(and(eq(households.id, id), wardScopeCondition(actor, households.wardCode)));
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function insertHousehold(exec: Executor, values: NewHouseholdRow): Promise<HouseholdRow> {
  const [row] = await exec.insert(households).values(values).returning();
  return row!;
}

export async function updateHouseholdRow(exec: Executor, id: string, values: Partial<NewHouseholdRow>): Promise<HouseholdRow> {
  const [row] = await exec
    .update(households)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(households.id, id))
    .returning();
  return row!;
}

export async function setMasks(exec: Executor, id: string, masks: ListMasks): Promise<void> {
  await exec.update(households).set(masks).where(eq(households.id, id));
}
