/** Helpers for the auth, users, audit and access-matrix tests: cookie logins and a fingerprint of the database. */
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { ApiClient } from './http.ts';
import type { TestServer } from './server.ts';

/** A browser-like client: logs in with the session cookie and keeps the CSRF token it was given. */
export async function cookieLogin(t: TestServer, username: string, password: string): Promise<ApiClient> {
  const c = t.anon();
  const res = await c.post('/api/auth/login', { username, password });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  c.csrf = res.body.csrfToken;
  return c;
}

/** Events that may legitimately appear when a request is refused (they record the refusal itself). */
export const REFUSAL_ACTIONS = ['access_denied', 'login', 'login_failed', 'logout'];

/**
 * An md5 per table of everything a refused request must leave untouched. Audit events are included, except those
 * that record logins and refusals; sessions only by their revocation state (last_seen_at moves on every request).
 */
export async function dbFingerprint(t: TestServer): Promise<Record<string, string>> {
  const [row] = await queryRows<Record<string, string>>(
    t.registry.deps.db,
    sql`select
      (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from households x) as households,
      (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from assessments x) as assessments,
      (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from users x) as users,
      (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from imports x) as imports,
      (select md5(coalesce(string_agg(x::text, '|' order by x.ward_code, x.round), '')) from ward_totals x) as ward_totals,
      (select md5(coalesce(string_agg(x::text, '|' order by x.ward_code, x.round), '')) from ward_rounds x) as ward_rounds,
      (select md5(coalesce(string_agg(x::text, '|' order by x.id, x.version), '')) from criteria_sets x) as criteria_sets,
      (select md5(coalesce(string_agg(x.id || ':' || (x.revoked_at is null)::text, '|' order by x.id), '')) from sessions x) as sessions,
      (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from audit_events x
        where x.action not in ('access_denied', 'login', 'login_failed', 'logout')) as audit_events`,
  );
  return row!;
}

export async function auditRows(t: TestServer, where = sql`true`) {
  return queryRows<{ action: string; entity: string; entity_id: string | null; ward_code: string | null; actor_username: string | null; before: any; after: any; meta: any }>(
    t.registry.deps.db,
    sql`select action, entity, entity_id, ward_code, actor_username, before, after, meta from audit_events where ${where} order by id`,
  );
}

export async function countAudit(t: TestServer, action: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from audit_events where action = ${action}`);
  return r!.n;
}
