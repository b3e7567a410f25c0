/** All SQL of the assessments area. Callers have already checked the household is in the actor's scope. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { assessments, households } from '../../db/schema.ts';

export type AssessmentRow = typeof assessments.$inferSelect;
export type NewAssessmentRow = typeof assessments.$inferInsert;

export async function assessmentsOf(exec: Executor, householdId: string): Promise<AssessmentRow[]> {
  return exec.select().from(assessments).where(eq(assessments.householdId, householdId)).orderBy(asc(assessments.round));
}

export async function findAssessment(exec: Executor, householdId: string, round: number): Promise<AssessmentRow | null> {
  const [row] = await exec.select().from(assessments).where(and(eq(assessments.householdId, householdId), eq(assessments.round, round)));
  return row ?? null;
}

/** Insert or replace the one assessment of a household in a round. */
export async function upsertAssessment(exec: Executor, values: NewAssessmentRow): Promise<AssessmentRow> {
  const { householdId: _h, round: _r, id: _i, createdAt: _c, ...changes } = values;
  const [row] = await exec
    .insert(assessments)
    .values(values)
    .onConflictDoUpdate({ target: [assessments.householdId, assessments.round], set: { ...changes, updatedAt: sql`now()` } })
    .returning();
  return row!;
}

/** Assessments of the given rounds with their household's area and members (for re-classification). */
export async function assessmentsWithHouseholds(exec: Executor, rounds: number[]) {
  return exec
    .select({ a: assessments, area: households.area, members: households.members, wardCode: households.wardCode })
    .from(assessments)
    .innerJoin(households, eq(households.id, assessments.householdId))
    .where(inArray(assessments.round, rounds))
    .orderBy(asc(assessments.householdId), asc(assessments.round));
}

export async function updateClassification(exec: Executor, id: string, values: Pick<AssessmentRow, 'results' | 'cityCategory' | 'nationalCategory' | 'deprivations' | 'facts'> & Partial<Pick<AssessmentRow, 'members' | 'area'>>): Promise<void> {
  await exec
    .update(assessments)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(assessments.id, id));
}

/** Round and categories of every assessment of these households (to recompute their list masks). */
export async function categoriesOf(exec: Executor, householdIds: string[]) {
  if (householdIds.length === 0) return [];
  return exec
    .select({ householdId: assessments.householdId, round: assessments.round, cityCategory: assessments.cityCategory, nationalCategory: assessments.nationalCategory })
    .from(assessments)
    .where(inArray(assessments.householdId, householdIds));
}

/** One (standard, round) of the configured criteria schedule: the set that must classify that round. */
export interface ScheduledSet {
  standard: 'city' | 'national';
  round: number;
  setId: string;
}

/**
 * Assessments classified under another set than the schedule names, counted per (standard, round, ward) in ONE scan
 * of the assessments (the start-up check; ten counts, one per standard and round, took 21 s on a 116,000-household
 * PGlite district).
 */
export async function otherSetCounts(exec: Executor, schedule: readonly ScheduledSet[]): Promise<{ standard: 'city' | 'national'; round: number; wardCode: string; n: number }[]> {
  if (schedule.length === 0) return [];
  return queryRows(
    exec,
    sql`select s.standard, s.round, h.ward_code as "wardCode", count(*)::int as n
        from unnest(${sql.param(schedule.map((s) => s.standard))}::text[], ${sql.param(schedule.map((s) => s.round))}::int[], ${sql.param(schedule.map((s) => s.setId))}::text[]) as s(standard, round, set_id)
        join assessments a on a.round = s.round and (a.results -> s.standard ->> 'setId') <> s.set_id
        join households h on h.id = a.household_id
        group by 1, 2, 3 order by 1, 2, 3`,
  );
}
