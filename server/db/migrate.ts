import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { Database } from './client.ts';
import { queryRows } from './client.ts';

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Advisory lock key of the migrations (any fixed bigint; the same for every instance of the registry). */
export const MIGRATION_LOCK = 0x5348_4e5f_4d49;

/**
 * Applies pending migrations (forward-only; drizzle records each in drizzle.__drizzle_migrations). Several instances
 * starting at once take turns on an advisory lock: the first migrates, the others wait, then find nothing to do.
 */
export async function runMigrations(database: Database): Promise<number> {
  return database.withAdvisoryLock(MIGRATION_LOCK, () => applyMigrations(database));
}

/** The migrations alone: call while holding MIGRATION_LOCK (runMigrations, or the start-up in bootstrap.ts). */
export async function applyMigrations(database: Database): Promise<number> {
  const options = { migrationsFolder: MIGRATIONS_FOLDER };
  if (database.engine === 'pglite') await migratePglite(database.db as never, options);
  else await migratePg(database.db as never, options);
  return countMigrations(database);
}

export async function countMigrations(database: Database): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  return rows[0]?.n ?? 0;
}
