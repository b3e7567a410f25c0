import { sql } from 'drizzle-orm';
import type { Engine, Executor } from './client.ts';

/**
 * Refreshes the planner's statistics of the registry tables. PGlite runs no autovacuum/autoanalyze worker, so after
 * a bulk load its planner keeps the row counts of an empty table and the rates report runs about twice as slow;
 * on a PostgreSQL server this only brings forward what autoanalyze would do. Run outside a transaction, after
 * large writes.
 */
export async function refreshStatistics(exec: Executor): Promise<void> {
  // With the tables the households triggers keep (issue 17): a registry filled after its migrations ran on an empty
  // database would otherwise plan the duplicate candidates as if they were empty (measured ~1.7× slower at 116k).
  await exec.execute(sql`analyze households, assessments, household_people, household_keys`);
}

/**
 * Gives back the space of deleted import chunks (uploads and parsed rows: names, ID numbers) so their bytes do not
 * linger in the database's files (issue 13 item 3). The table is UNLOGGED (migration 0008), so no WAL copy exists
 * either. PGlite: VACUUM FULL rewrites the table into a new file and drops the old one — cheap, since only
 * uncommitted imports remain — and PGlite has no other connection to block. A PostgreSQL server: plain VACUUM, which
 * blocks no concurrent upload; the freed pages are reused by the next chunks. Run outside a transaction.
 */
export async function compactImportChunks(exec: Executor, engine: Engine): Promise<void> {
  await exec.execute(engine === 'pglite' ? sql`vacuum full import_chunks` : sql`vacuum import_chunks`);
}
