/** All SQL of the households area. Every read goes through the actor's scope (server/domain/scope.ts). */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Actor } from '../../context.ts';
import type { Executor } from '../../db/client.ts';
import { assessments, households } from '../../db/schema.ts';
import type { Category, Standard } from '../criteria/types.ts';
import { wardScopeCondition } from '../scope.ts';
import type { ListMasks } from '../assessments/rules.ts';
import { searchQueryOf } from './rules.ts';

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

/**
 * The WHERE of the household list, shared with the households.xlsx export: scope, ward, status, accent-insensitive
 * text (households.search_text holds the folded name, code, address and member names), and — for a round — only
 * households assessed in that round, optionally in one category under the chosen standard.
 */
export function householdListConditions(actor: Actor, f: HouseholdFilters): SQL | undefined {
  const status = f.status ?? 'active';
  const conditions: (SQL | undefined)[] = [wardScopeCondition(actor, households.wardCode)];
  if (f.ward) conditions.push(eq(households.wardCode, f.ward));
  if (status !== 'all') conditions.push(eq(households.status, status));
  const q = f.q ? searchQueryOf(f.q) : '';
  if (q) conditions.push(sql`${households.searchText} like ${'%' + likeEscape(q) + '%'}`);
  if (f.round !== undefined) {
    const column = f.standard === 'national' ? sql.raw('a.national_category') : sql.raw('a.city_category');
    const category = f.category ? sql` and ${column} = ${f.category}` : sql``;
    conditions.push(sql`exists (select 1 from ${assessments} a where a.household_id = ${households.id} and a.round = ${f.round}${category})`);
  }
  return and(...conditions);
}

export interface ListedHousehold extends HouseholdRow {
  roundCityCategory: string | null;
  roundNationalCategory: string | null;
}

export async function listHouseholds(exec: Executor, actor: Actor, f: HouseholdFilters, page: { limit: number; offset: number }): Promise<{ rows: ListedHousehold[]; total: number }> {
  const where = householdListConditions(actor, f);
  // Page the households first (index order, no join), then fetch the asked round's categories for that page only:
  // deep pages stay cheap because the offset skips bare index entries.
  const pageIds = exec
    .select({ id: households.id })
    .from(households)
    .where(where)
    .orderBy(asc(households.wardCode), asc(households.householdCode))
    .limit(page.limit)
    .offset(page.offset)
    .as('page_ids');
  const roundAssessment = alias(assessments, 'round_assessment');
  const on = and(eq(roundAssessment.householdId, households.id), eq(roundAssessment.round, f.round ?? -1));
  const [rows, [count]] = await Promise.all([
    exec
      .select({ h: households, roundCityCategory: roundAssessment.cityCategory, roundNationalCategory: roundAssessment.nationalCategory })
      .from(households)
      .innerJoin(pageIds, eq(pageIds.id, households.id))
      .leftJoin(roundAssessment, on)
      .orderBy(asc(households.wardCode), asc(households.householdCode)),
    exec.select({ n: sql<number>`count(*)::int` }).from(households).where(where),
  ]);
  return { rows: rows.map((r) => ({ ...r.h, roundCityCategory: r.roundCityCategory, roundNationalCategory: r.roundNationalCategory })), total: count?.n ?? 0 };
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
