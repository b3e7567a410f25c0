import { Joi } from '../validate.ts';
import { AREAS, INCOME_PERS } from '../../domain/criteria/types.ts';
import { incomeSchema } from './households.ts';

/** Bodies of the criteria endpoints (unknown keys refused). */
export const setIdParam = Joi.object({ id: Joi.string().pattern(/^[a-z0-9-]{1,60}$/, 'criteria set id').required() });
export const versionQuery = Joi.object({ version: Joi.number().integer().min(1) });

const money = Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER);
const lines = Joi.object({ poor: money.required(), nearPoor: money.required(), average: money });
const code = Joi.string().pattern(/^[a-z][a-z0-9_]{0,49}$/, 'indicator code');

export const newVersionSchema = Joi.object({
  standard: Joi.string().valid('city', 'national').required(),
  nameVi: Joi.string().max(200).required(),
  nameEn: Joi.string().max(200).required(),
  legalSource: Joi.string().max(500).required(),
  incomeUnit: Joi.string().valid(...INCOME_PERS).required(),
  lines: Joi.alternatives(Joi.object({ urban: lines.required(), rural: lines.required() }), Joi.object({ all: lines.required() })).required(),
  indicators: Joi.array()
    .items(Joi.object({ code: code.required(), dimension: Joi.string().max(60).required(), vi: Joi.string().max(200).required(), en: Joi.string().max(200).required(), weight: Joi.number().min(0).max(1000).required() }))
    .min(1)
    .max(50)
    .unique('code')
    .required(),
  rule: Joi.object({ kind: Joi.string().valid('count', 'score', 'income_only').required(), cutoff: Joi.number().min(0).max(1000).required() }).required(),
  derivation: Joi.object({
    minFloorAreaPerPerson: Joi.number().min(0).max(1000).required(),
    healthInsuranceMinAge: Joi.number().integer().min(0).max(120).required(),
    schoolAge: Joi.object({ from: Joi.number().integer().min(0).max(120).required(), below: Joi.number().integer().min(0).max(120).required() }).required(),
    adultEducationAge: Joi.object({ from: Joi.number().integer().min(0).max(120).required(), below: Joi.number().integer().min(0).max(120).required() }).required(),
  }).allow(null),
  provisional: Joi.boolean().default(false),
  note: Joi.string().max(1000).allow(null, ''),
});

export const classifySchema = Joi.object({
  criteriaSet: Joi.string().pattern(/^[a-z0-9-]{1,60}$/, 'criteria set id').required(),
  version: Joi.number().integer().min(1),
  area: Joi.string().valid(...AREAS),
  income: incomeSchema.required(),
  deprivations: Joi.array().items(code).max(50).default([]),
});

/** includeApproved: an admin re-classifies approved rounds too, and must give the reason (audited per change). */
export const reclassifySchema = Joi.object({
  round: Joi.number().integer().min(2000).max(2100),
  includeApproved: Joi.boolean().default(false),
  reason: Joi.string().trim().min(3).max(500).when('includeApproved', { is: true, then: Joi.required() }),
});
