import { Joi } from '../validate.ts';

const isoDate = Joi.string().pattern(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** Filters of GET /api/audit: entity (+ id), action, ward, user, a date range, and paging. */
export const auditQuery = Joi.object({
  entity: Joi.string().pattern(/^[a-z_]{1,40}$/, 'entity'),
  id: Joi.string().max(100),
  action: Joi.string().pattern(/^[a-z_]{1,40}$/, 'action'),
  ward: Joi.string().pattern(/^\d{5}$/, 'ward code'),
  user: Joi.string().trim().lowercase().max(64),
  from: isoDate,
  to: isoDate,
  page: Joi.number().integer().min(1).max(100_000).default(1),
  pageSize: Joi.number().integer().min(1).max(500).default(50),
}).with('id', 'entity');
