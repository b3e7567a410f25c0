import type { AuditRow } from '../../domain/audit/repository.ts';

export function presentAuditEvent(e: AuditRow) {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: e.actorUsername,
    action: e.action,
    entity: e.entity,
    entityId: e.entityId,
    wardCode: e.wardCode,
    before: e.before,
    after: e.after,
    meta: e.meta,
    requestId: e.requestId,
  };
}
