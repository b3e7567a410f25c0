import { auditEvents } from '../../db/schema.ts';
import type { Executor } from '../../db/client.ts';
import type { Ctx } from '../../context.ts';

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

/** Appends many events in batches (imports). */
export async function recordAuditMany(exec: Executor, who: Who, events: AuditEvent[], batchSize = 2000): Promise<void> {
  for (let i = 0; i < events.length; i += batchSize) {
    await exec.insert(auditEvents).values(events.slice(i, i + batchSize).map((e) => row(who, e)));
  }
}
