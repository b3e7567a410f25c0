import { Joi } from '../validate.ts';

/** Bodies and parameters of the rounds endpoints (unknown keys refused). */
export const roundParam = Joi.object({ round: Joi.number().integer().min(2000).max(2100).required() });
export const wardRoundParams = Joi.object({ round: Joi.number().integer().min(2000).max(2100).required(), wardCode: Joi.string().pattern(/^\d{5}$/, 'ward code').required() });

const isoDate = Joi.string()
  .pattern(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .custom((v: string, helpers) => (new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v ? v : helpers.error('date.base')), 'calendar date');

/** e.g. { decisionNumber: "125/QĐ-UBND", decisionDate: "2017-12-22", signer: "Chủ tịch UBND quận" } */
export const approveSchema = Joi.object({
  decisionNumber: Joi.string().trim().min(1).max(60).required(),
  decisionDate: isoDate.required(),
  signer: Joi.string().trim().max(200).allow(null, ''),
});

export const reopenSchema = Joi.object({ reason: Joi.string().trim().min(3).max(1000).required() });

export { isoDate };
