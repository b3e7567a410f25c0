/** All SQL of the assessments area. Callers have already checked the household is in the actor's scope. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
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

/** How many assessments of a round were classified under the standard by a set other than `setId`. */
export async function countOtherSets(exec: Executor, standard: 'city' | 'national', round: number, setId: string): Promise<number> {
  const [row] = await exec
    .select({ n: sql<number>`count(*)::int` })
    .from(assessments)
    .where(and(eq(assessments.round, round), sql`${assessments.results}->${standard}->>'setId' <> ${setId}`));
  return row?.n ?? 0;
}
