/**
 * Data versions: one counter per ward (and '*' for district-wide data), bumped in the SAME transaction as every
 * change that a report or a household count reads — an assessment, a ward total, a household's fields or status, a
 * ward's name, a criteria re-classification, a round's approval. Caches (the rates report, the household list's
 * exact total) remember the version they were computed at and recompute when the database holds a newer one, so
 * every server process on the same database answers with the last committed data (issue 14; the import and
 * multi-instance work of issues 12 and 16 rely on it).
 *
 * Usage, inside the writing transaction:  await bumpDataVersion(tx, household.wardCode);
 *                                          await bumpDataVersion(tx);            // district-wide ('*')
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';

export const DISTRICT_WIDE = '*';

/**
 * Bumps the version of these wards (or of '*', which every reader includes) by one. Call it with the transaction of
 * the change: the bump commits, or rolls back, with it. Wards are locked in code order, so two transactions bumping
 * several wards never deadlock each other.
 */
export async function bumpDataVersion(tx: Executor, wardCodes?: string | readonly (string | null | undefined)[] | null): Promise<void> {
  const list = wardCodes === undefined || wardCodes === null ? [DISTRICT_WIDE] : typeof wardCodes === 'string' ? [wardCodes] : wardCodes;
  const scopes = [...new Set(list.filter((c): c is string => !!c))].sort();
  if (scopes.length === 0) return;
  await tx.execute(
    sql`insert into data_versions (scope, version, changed_at)
        select s, 1, now() from unnest(${sql.param(scopes)}::text[]) as s order by s
        on conflict (scope) do update set version = data_versions.version + 1, changed_at = now()`,
  );
}

/**
 * The version of the data these wards' figures are made of: the sum of their counters and the district-wide one
 * (a sum of counters that only grow changes whenever one of them does). `null` = every ward.
 */
export async function readDataVersion(exec: Executor, wardCodes: readonly string[] | null): Promise<number> {
  const where = wardCodes === null ? sql`` : sql` where scope = any(${sql.param([DISTRICT_WIDE, ...wardCodes])}::text[])`;
  const [row] = await queryRows<{ v: number }>(exec, sql`select coalesce(sum(version), 0)::int8 as v from data_versions${where}`);
  return Number(row?.v ?? 0);
}

/**
 * A bounded in-process cache whose entries are valid for one data version only: `get` answers only when the caller
 * read the same version from the database, so a newer commit (by this process or another) is never hidden. The
 * oldest entry is dropped past `max` (Map keeps insertion order; a hit moves the key to the end).
 */
export class VersionedCache<T> {
  private readonly entries = new Map<string, { version: number; value: T }>();
  constructor(private readonly max = 500) {}

  get(key: string, version: number): T | undefined {
    const e = this.entries.get(key);
    if (!e || e.version !== version) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  set(key: string, version: number, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { version, value });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}
