/** All SQL of the criteria area. */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { assessments, criteriaSets } from '../../db/schema.ts';
import type { CriteriaSet } from './types.ts';

export type CriteriaRow = typeof criteriaSets.$inferSelect;

export function toCriteriaSet(r: CriteriaRow): CriteriaSet {
  return {
    id: r.id,
    version: r.version,
    standard: r.standard,
    nameVi: r.nameVi,
    nameEn: r.nameEn,
    legalSource: r.legalSource,
    incomeUnit: r.incomeUnit,
    lines: r.lines as CriteriaSet['lines'],
    indicators: r.indicators as CriteriaSet['indicators'],
    rule: r.rule as CriteriaSet['rule'],
    provisional: r.provisional,
  };
}

/** The latest version of every set. */
export async function latestSets(exec: Executor): Promise<CriteriaRow[]> {
  return exec
    .select()
    .from(criteriaSets)
    .where(sql`${criteriaSets.version} = (select max(c2.version) from ${criteriaSets} c2 where c2.id = ${criteriaSets.id})`)
    .orderBy(asc(criteriaSets.id));
}

export async function latestVersion(exec: Executor, id: string): Promise<CriteriaRow | null> {
  const [row] = await exec.select().from(criteriaSets).where(eq(criteriaSets.id, id)).orderBy(desc(criteriaSets.version)).limit(1);
  return row ?? null;
}

export async function findVersion(exec: Executor, id: string, version: number): Promise<CriteriaRow | null> {
  const [row] = await exec.select().from(criteriaSets).where(and(eq(criteriaSets.id, id), eq(criteriaSets.version, version)));
  return row ?? null;
}

export async function versionsOf(exec: Executor, id: string): Promise<CriteriaRow[]> {
  return exec.select().from(criteriaSets).where(eq(criteriaSets.id, id)).orderBy(desc(criteriaSets.version));
}

export async function insertVersion(exec: Executor, set: CriteriaSet & { note?: string | null; createdBy: string }): Promise<CriteriaRow> {
  const [row] = await exec
    .insert(criteriaSets)
    .values({
      id: set.id,
      version: set.version,
      standard: set.standard,
      nameVi: set.nameVi,
      nameEn: set.nameEn,
      legalSource: set.legalSource,
      incomeUnit: set.incomeUnit,
      lines: set.lines,
      indicators: set.indicators,
      rule: set.rule,
      provisional: set.provisional,
      note: set.note ?? null,
      createdBy: set.createdBy,
    })
    .returning();
  return row!;
}

/** How many stored assessments each round holds classified under each version of the set (for "which rounds use it"). */
export async function assessmentsPerRoundAndVersion(exec: Executor, id: string, standard: 'city' | 'national'): Promise<{ round: number; version: number; assessments: number }[]> {
  const rows = await queryRows<{ round: number; version: number; assessments: number }>(
    exec,
    sql`select round::int as round, (results -> ${standard} ->> 'version')::int as version, count(*)::int as assessments
        from ${assessments} where results -> ${standard} ->> 'setId' = ${id}
        group by 1, 2 order by 1, 2`,
  );
  return rows;
}
