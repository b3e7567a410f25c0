import { sql } from 'drizzle-orm';
import type { Executor } from './client.ts';

/**
 * Refreshes the planner's statistics of the registry tables. PGlite runs no autovacuum/autoanalyze worker, so after
 * a bulk load its planner keeps the row counts of an empty table and the rates report runs about twice as slow;
 * on a PostgreSQL server this only brings forward what autoanalyze would do. Run outside a transaction, after
 * large writes.
 */
export async function refreshStatistics(exec: Executor): Promise<void> {
  await exec.execute(sql`analyze households, assessments`);
}
