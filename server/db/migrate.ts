import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Database, Executor } from './client.ts';
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
  // Loaded only on a server, like the driver itself (db/client.ts).
  else await (await import('drizzle-orm/node-postgres/migrator')).migrate(database.db as never, options);
  return countMigrations(database);
}

export async function countMigrations(database: Database): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  return rows[0]?.n ?? 0;
}

export interface LocalMigration {
  tag: string;
  hash: string;
  folderMillis: number;
  statements: string[];
}

/** This build's migrations, oldest first, with the hash drizzle records for each (sha256 of the .sql file). */
export function localMigrations(): LocalMigration[] {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  return readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m, i) => ({
    tag: journal.entries[i]!.tag,
    hash: m.hash,
    folderMillis: m.folderMillis,
    statements: m.sql,
  }));
}

/**
 * Applies the given migrations inside the caller's transaction and records them exactly as drizzle's migrator does
 * (same table, hash and created_at), so a later start sees them as applied. The restore uses this to stop at a
 * backup's migration, load its rows, then go on to the latest one — all in one transaction.
 */
export async function applyMigrationsIn(tx: Executor, migrations: LocalMigration[]): Promise<void> {
  await tx.execute(sql`create schema if not exists drizzle`);
  await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
  for (const m of migrations) {
    for (const statement of m.statements) await tx.execute(sql.raw(statement));
    await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${m.hash}, ${m.folderMillis})`);
  }
}
