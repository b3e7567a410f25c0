/**
 * Small facts the registry keeps about its own data (table app_state, one JSON value per key), e.g. what the start-up
 * criteria-schedule check last found. Written in the caller's transaction or on its own; backed up with the data.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';

export async function readAppState<T>(exec: Executor, key: string): Promise<T | null> {
  const [row] = await queryRows<{ value: T }>(exec, sql`select value from app_state where key = ${key}`);
  return row ? row.value : null;
}

export async function writeAppState(exec: Executor, key: string, value: unknown): Promise<void> {
  await exec.execute(
    sql`insert into app_state (key, value, updated_at) values (${key}, ${JSON.stringify(value)}::jsonb, now())
        on conflict (key) do update set value = excluded.value, updated_at = now()`,
  );
}
