/**
 * All SQL of backups and restores. Tables are discovered from the catalogue (not listed here), so tables other areas
 * add to server/db/schema.ts are backed up and restored without a change in this file.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { orderByDependencies, type BackupTable } from './format.ts';

export interface TableShape {
  name: string;
  /** Insertable columns, in table order (generated columns left out). */
  columns: string[];
  /** Identity / serial columns whose sequence a restore moves past the loaded rows. */
  sequenced: string[];
  /** Has a GENERATED ALWAYS identity: an insert with its values needs OVERRIDING SYSTEM VALUE. */
  identityAlways: boolean;
}

/** The registry's tables (schema `public`), in FK-safe order. */
export async function listTables(exec: Executor): Promise<TableShape[]> {
  const columns = await queryRows<{ table_name: string; column_name: string; is_generated: string; is_identity: string; identity_generation: string | null; serial: boolean }>(
    exec,
    sql`select c.table_name, c.column_name, c.is_generated, c.is_identity, c.identity_generation,
          (pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) is not null) as serial
        from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
        order by c.table_name, c.ordinal_position`,
  );
  const refs = await queryRows<{ from: string; to: string }>(
    exec,
    sql`select cl.relname as "from", ref.relname as "to"
        from pg_constraint con
        join pg_class cl on cl.oid = con.conrelid
        join pg_class ref on ref.oid = con.confrelid
        join pg_namespace n on n.oid = cl.relnamespace
        where con.contype = 'f' and n.nspname = 'public'`,
  );
  const byName = new Map<string, TableShape>();
  for (const c of columns) {
    const shape = byName.get(c.table_name) ?? { name: c.table_name, columns: [], sequenced: [], identityAlways: false };
    byName.set(c.table_name, shape);
    if (c.is_generated === 'ALWAYS') continue;
    shape.columns.push(c.column_name);
    if (c.serial) shape.sequenced.push(c.column_name);
    if (c.is_identity === 'YES' && c.identity_generation === 'ALWAYS') shape.identityAlways = true;
  }
  return orderByDependencies([...byName.keys()], refs).map((name) => byName.get(name)!);
}

export async function countRows(exec: Executor, table: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(exec, sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return r!.n;
}

/** Applied migrations as drizzle recorded them (oldest first); none when the target was never migrated. */
export async function appliedMigrations(exec: Executor): Promise<{ hash: string; createdAt: number }[]> {
  const [exists] = await queryRows<{ ok: boolean }>(exec, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`);
  if (!exists?.ok) return [];
  const rows = await queryRows<{ hash: string; created_at: number }>(exec, sql`select hash, created_at from drizzle.__drizzle_migrations order by created_at, id`);
  return rows.map((r) => ({ hash: r.hash, createdAt: Number(r.created_at) }));
}

/**
 * Streams a table's rows as JSON text (row_to_json: PostgreSQL's own encoding, identical on both engines), through a
 * cursor in the caller's transaction, `batch` rows at a time, so the district never sits in memory at once.
 */
export async function streamRows(tx: Executor, table: BackupTable, maxRows: number, onRows: (lines: string[]) => Promise<void>): Promise<number> {
  const cols = sql.join(table.columns.map((c) => sql.identifier(c)), sql`, `);
  await tx.execute(sql`declare shn_backup_cursor no scroll cursor for select row_to_json(r)::text as j from (select ${cols} from ${sql.identifier(table.name)}) r`);
  let n = 0;
  // The first fetch is small and measures the rows' width; later ones hold ~8 MiB (wide rows: stored files).
  let fetch = Math.min(100, maxRows);
  try {
    for (;;) {
      const rows = await queryRows<{ j: string }>(tx, sql.raw(`fetch forward ${fetch} from shn_backup_cursor`));
      if (rows.length === 0) break;
      n += rows.length;
      const lines = rows.map((r) => r.j);
      const bytes = lines.reduce((sum, l) => sum + l.length, 0);
      fetch = Math.max(1, Math.min(maxRows, Math.floor((8 * 1048576 * lines.length) / Math.max(bytes, 1))));
      await onRows(lines);
    }
  } finally {
    await tx.execute(sql`close shn_backup_cursor`);
  }
  return n;
}

/** Inserts rows given as JSON texts (as streamRows wrote them); the database parses them with the table's own types. */
export async function insertRows(tx: Executor, table: BackupTable & { identityAlways: boolean }, jsonLines: string[]): Promise<void> {
  const cols = sql.join(table.columns.map((c) => sql.identifier(c)), sql`, `);
  const overriding = table.identityAlways ? sql`overriding system value` : sql``;
  await tx.execute(
    sql`insert into ${sql.identifier(table.name)} (${cols}) ${overriding}
        select ${cols} from json_populate_recordset(null::${sql.identifier(table.name)}, ${'[' + jsonLines.join(',') + ']'}::json)`,
  );
}

/** Moves each identity/serial sequence past the highest restored value, so the next insert does not collide. */
export async function resetSequences(tx: Executor, table: TableShape): Promise<void> {
  for (const column of table.sequenced) {
    await tx.execute(
      sql`select setval(pg_get_serial_sequence(${table.name}, ${column}), coalesce((select max(${sql.identifier(column)}) from ${sql.identifier(table.name)}), 0) + 1, false)`,
    );
  }
}

/** Tables with triggers of their own (not the FK checks): a restore loads their rows as they were, without firing them. */
export async function tablesWithUserTriggers(exec: Executor): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    exec,
    sql`select distinct c.relname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where not t.tgisinternal and n.nspname = 'public' order by 1`,
  );
  return rows.map((r) => r.name);
}

/** Disables or enables a table's own triggers (the restore's transaction owns the freshly migrated tables). */
export async function setUserTriggers(tx: Executor, table: string, enabled: boolean): Promise<void> {
  await tx.execute(enabled ? sql`alter table ${sql.identifier(table)} enable trigger user` : sql`alter table ${sql.identifier(table)} disable trigger user`);
}

/** Empties every registry table (rows that migrations seeded before the backup's rows are loaded). */
export async function truncateTables(tx: Executor, tables: string[]): Promise<void> {
  if (tables.length === 0) return;
  await tx.execute(sql`truncate ${sql.join(tables.map((t) => sql.identifier(t)), sql`, `)} restart identity cascade`);
}

/** Whether the target holds anything of ours: a table in `public` or a migrations record. */
export async function targetIsEmpty(exec: Executor): Promise<boolean> {
  const [r] = await queryRows<{ tables: number }>(
    exec,
    sql`select count(*)::int as tables from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'v', 'm', 'S') and n.nspname = 'public'`,
  );
  return r!.tables === 0 && (await appliedMigrations(exec)).length === 0;
}

/** --force: removes the registry's schema and migration records (inside the restore's transaction). */
export async function dropRegistrySchema(tx: Executor): Promise<void> {
  await tx.execute(sql`drop schema if exists drizzle cascade`);
  await tx.execute(sql`drop schema public cascade`);
  await tx.execute(sql`create schema public`);
}

/** The latest round any household was assessed in (null on an empty registry). */
export async function lastRoundWithData(exec: Executor): Promise<number | null> {
  const [r] = await queryRows<{ round: number | null }>(exec, sql`select max(round)::int as round from assessments`);
  return r?.round ?? null;
}

/**
 * The latest round that has approved ward lists (issue 12's ward_rounds), with how many wards are approved in it;
 * null when there is none or the registry predates the approval table (checked at run time: backups of either age).
 */
export async function lastApprovedRound(exec: Executor): Promise<{ round: number; approvedWards: number } | null> {
  const [exists] = await queryRows<{ ok: boolean }>(exec, sql`select to_regclass('public.ward_rounds') is not null as ok`);
  if (!exists?.ok) return null;
  const [r] = await queryRows<{ round: number; n: number }>(
    exec,
    sql`select round::int as round, count(*)::int as n from ward_rounds where status = 'approved' group by round order by round desc limit 1`,
  );
  return r ? { round: r.round, approvedWards: r.n } : null;
}
