import { sql } from 'drizzle-orm';
import { queryRows, type Engine, type Executor } from './client.ts';

/**
 * Refreshes the planner's statistics of the registry tables. PGlite runs no autovacuum/autoanalyze worker, so after
 * a bulk load its planner keeps the row counts of an empty table and the rates report runs about twice as slow;
 * on a PostgreSQL server this only brings forward what autoanalyze would do. Run outside a transaction, after
 * large writes.
 */
export async function refreshStatistics(exec: Executor): Promise<void> {
  await cleanSearchPendingList(exec);
  // With the tables the households triggers keep (issue 17): a registry filled after its migrations ran on an empty
  // database would otherwise plan the duplicate candidates as if they were empty (measured ~1.7× slower at 116k).
  await exec.execute(sql`analyze households, assessments, household_people, household_keys`);
}

/**
 * Moves the search index's pending entries into the index proper. A GIN index queues new entries in a pending list
 * (up to gin_pending_list_limit, 4 MB) that every search reads through; on a server autovacuum empties it, but
 * PGlite has no autovacuum and ANALYZE does not do it. Measured on the demo district after its load (464 pending
 * pages): a ward's search 5.5–20 ms before, 2.5–9 ms after. Run after bulk writes and hourly (imports/jobs.ts).
 */
export async function cleanSearchPendingList(exec: Executor): Promise<void> {
  await exec.execute(sql`select gin_clean_pending_list('households_ward_search_trgm_idx'::regclass)`);
}

/**
 * Gives back the space of deleted import chunks (uploads and parsed rows: names, ID numbers) so their bytes do not
 * linger in the database's files (issue 13 item 3). The table is UNLOGGED (migration 0008), so no WAL copy exists
 * either. PGlite: VACUUM FULL rewrites the table into a new file and drops the old one — cheap, since only
 * uncommitted imports remain — and PGlite has no other connection to block. A PostgreSQL server: plain VACUUM, which
 * blocks no concurrent upload; the freed pages are reused by the next chunks. Run outside a transaction.
 */
export async function compactImportChunks(exec: Executor, engine: Engine): Promise<void> {
  // A table of no pages holds no bytes to give back (no row was written since it was last rewritten, and every
  // deletion leaves its pages until a vacuum): nothing to do. VACUUM FULL still rewrote it, 45–176 ms of every
  // start-up on PGlite (issue 14, first answer after a restart).
  const [size] = await queryRows<{ bytes: number }>(exec, sql`select pg_relation_size('import_chunks')::int8 as bytes`);
  if (Number(size?.bytes) === 0) return;
  await exec.execute(engine === 'pglite' ? sql`vacuum full import_chunks` : sql`vacuum import_chunks`);
}
