/**
 * SQL of `login_counters`: failed-login counters in the database, so every app instance counts the same attempts
 * (issue 16). One row per key with its hits in the current window; an expired window starts again at 1.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';

export interface CounterState {
  hits: number;
  resetAt: Date;
}

const toState = (r: { hits: number; reset_at: Date | string }): CounterState => ({ hits: r.hits, resetAt: new Date(r.reset_at) });

/** Adds one hit (atomically, whichever instance asks) and returns the window's count. */
export async function incrementCounter(exec: Executor, key: string, windowMs: number): Promise<CounterState> {
  const [r] = await queryRows<{ hits: number; reset_at: Date | string }>(exec, sql`
    insert into login_counters as c (key, hits, reset_at) values (${key}, 1, now() + make_interval(secs => ${windowMs / 1000}))
    on conflict (key) do update set
      hits = case when c.reset_at <= now() then 1 else c.hits + 1 end,
      reset_at = case when c.reset_at <= now() then excluded.reset_at else c.reset_at end
    returning hits, reset_at`);
  return toState(r!);
}

export async function getCounter(exec: Executor, key: string): Promise<CounterState | undefined> {
  const [r] = await queryRows<{ hits: number; reset_at: Date | string }>(exec, sql`select hits, reset_at from login_counters where key = ${key} and reset_at > now()`);
  return r ? toState(r) : undefined;
}

export async function decrementCounter(exec: Executor, key: string): Promise<void> {
  await exec.execute(sql`update login_counters set hits = greatest(hits - 1, 0) where key = ${key} and reset_at > now()`);
}

export async function resetCounter(exec: Executor, key: string): Promise<void> {
  await exec.execute(sql`delete from login_counters where key = ${key}`);
}

export async function deleteExpiredCounters(exec: Executor): Promise<void> {
  await exec.execute(sql`delete from login_counters where reset_at <= now()`);
}
