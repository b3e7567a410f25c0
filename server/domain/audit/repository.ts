import { and, desc, eq, isNull, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { auditEvents } from '../../db/schema.ts';
import type { Executor } from '../../db/client.ts';
import type { Actor, Ctx } from '../../context.ts';
import { wardScopeCondition } from '../scope.ts';

export type AuditAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'restore'
  | 'import'
  | 'export'
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'access_denied'
  | 'reclassify'
  | (string & {});

export interface AuditEvent {
  action: AuditAction;
  entity: string;
  entityId?: string | null;
  wardCode?: string | null;
  before?: unknown;
  after?: unknown;
  meta?: unknown;
}

type Who = Pick<Ctx, 'actor' | 'requestId'> | { actor: null; requestId: string | null; username?: string | null };

function row(who: Who, e: AuditEvent) {
  return {
    actorId: who.actor?.userId ?? null,
    actorUsername: who.actor?.username ?? ('username' in who ? (who.username ?? null) : null),
    action: e.action,
    entity: e.entity,
    entityId: e.entityId ?? null,
    wardCode: e.wardCode ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    meta: e.meta ?? null,
    requestId: who.requestId ?? null,
  };
}

/** Appends one audit event. Call it with the transaction that makes the change, so both commit or neither. */
export async function recordAudit(exec: Executor, who: Who, event: AuditEvent): Promise<void> {
  await exec.insert(auditEvents).values(row(who, event));
}

/**
 * Appends many events in batches (imports, the demo load), each batch one statement reading one JSON document with
 * `jsonb_to_recordset`. Through the query builder, building the parameters took ~5× longer than the insert (issue 8);
 * as `jsonb[]` array parameters, the array-literal quoting of every event's JSON was most of an import's audit cost
 * (issue 14, as measured for the bulk writes in imports/bulk-repository.ts). Absent keys read as SQL NULL.
 */
export async function recordAuditMany(exec: Executor, who: Who, events: AuditEvent[], batchSize = 5000): Promise<void> {
  for (let i = 0; i < events.length; i += batchSize) {
    const batch = events.slice(i, i + batchSize);
    // The actor and request are the same for every event of the call: read once from the first row.
    const first = row(who, batch[0]!);
    const doc = JSON.stringify(batch.map((e) => ({ a: e.action, e: e.entity, i: e.entityId ?? null, w: e.wardCode ?? null, b: e.before ?? undefined, f: e.after ?? undefined, m: e.meta ?? undefined })));
    await exec.execute(sql`insert into ${auditEvents} (actor_id, actor_username, action, entity, entity_id, ward_code, before, after, meta, request_id)
      select ${first.actorId}::uuid, ${first.actorUsername}, x.a, x.e, x.i, x.w, x.b, x.f, x.m, ${first.requestId}
      from jsonb_to_recordset(${doc}::jsonb) as x(a text, e text, i text, w text, b jsonb, f jsonb, m jsonb)`);
  }
}

export type AuditRow = typeof auditEvents.$inferSelect;

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  action?: string;
  /** Events carrying this ward code (still within the actor's scope). */
  ward?: string;
  /** Events done by this account (its username at the time). */
  user?: string;
  /** Inclusive calendar dates, 'YYYY-MM-DD', read in the server's time zone. */
  from?: string;
  to?: string;
}

/** Entities only an admin reads the trail of: account changes, logins and refused requests. */
export const ADMIN_ONLY_ENTITIES = ['user', 'request'];

/**
 * Who may read which events, through the one scope helper: admins everything; a district officer the events of its
 * wards plus ward-less events of non-account entities (criteria, district-wide exports); a ward officer only events
 * carrying its own ward code.
 */
function visibleTo(actor: Actor): SQL | undefined {
  if (actor.role === 'admin') return undefined;
  const notAccounts = notInArray(auditEvents.entity, ADMIN_ONLY_ENTITIES);
  const inWards = wardScopeCondition(actor, auditEvents.wardCode);
  if (actor.role === 'district') return and(notAccounts, or(inWards, isNull(auditEvents.wardCode)));
  return and(notAccounts, inWards);
}

/** Newest first, with the total for paging. */
export async function listAuditEvents(
  exec: Executor,
  actor: Actor,
  filter: AuditFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: AuditRow[]; total: number }> {
  const where = and(
    visibleTo(actor),
    filter.entity ? eq(auditEvents.entity, filter.entity) : undefined,
    filter.entityId ? eq(auditEvents.entityId, filter.entityId) : undefined,
    filter.action ? eq(auditEvents.action, filter.action) : undefined,
    filter.ward ? eq(auditEvents.wardCode, filter.ward) : undefined,
    filter.user ? eq(auditEvents.actorUsername, filter.user) : undefined,
    filter.from ? sql`${auditEvents.at} >= ${filter.from}::date` : undefined,
    // "to" is a whole day: everything before the next midnight.
    filter.to ? sql`${auditEvents.at} < ${filter.to}::date + 1` : undefined,
  );
  const [rows, [count]] = await Promise.all([
    exec.select().from(auditEvents).where(where).orderBy(desc(auditEvents.id)).limit(page.limit).offset(page.offset),
    exec.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(where),
  ]);
  return { rows, total: count?.n ?? 0 };
}
