import type { Ctx } from '../../context.ts';
import { listAuditEvents, type AuditFilter, type AuditRow } from './repository.ts';

export interface AuditQuery extends AuditFilter {
  page: number;
  pageSize: number;
}

/**
 * The audit trail as the actor may see it. A ward officer asking about another ward's record gets an empty page,
 * the same as for a record that never existed (no existence leak).
 */
export async function readAuditTrail(ctx: Ctx, query: AuditQuery): Promise<{ rows: AuditRow[]; total: number }> {
  const { page, pageSize, ...filter } = query;
  return listAuditEvents(ctx.db, ctx.actor, filter, { limit: pageSize, offset: (page - 1) * pageSize });
}
