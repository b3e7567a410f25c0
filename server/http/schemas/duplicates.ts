import { Joi } from '../validate.ts';
import { DUPLICATE_KINDS, RESOLUTIONS } from '../../domain/duplicates/rules.ts';

/** Query and body of the duplicates endpoints (issue 17). */
export const listDuplicatesQuery = Joi.object({
  ward: Joi.string().trim().pattern(/^\d{5}$/, 'ward code'),
  kind: Joi.string().valid(...DUPLICATE_KINDS).default('id'),
  page: Joi.number().integer().min(1).max(100000).default(1),
  pageSize: Joi.number().integer().min(1).max(200).default(50),
});

export const pairParam = Joi.object({ id: Joi.string().max(100).required() });

export const resolveSchema = Joi.object({
  resolution: Joi.string().valid(...RESOLUTIONS).required(),
  keep: Joi.string().guid().when('resolution', { is: 'merged', then: Joi.required(), otherwise: Joi.forbidden() }),
  note: Joi.string().trim().max(1000).allow('').default(''),
});
