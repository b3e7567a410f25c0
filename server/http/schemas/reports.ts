/** joi schemas of the reports area (rates, trend, totals). Round bounds come from the config (ROUND_MIN..ROUND_MAX). */
import type { Config } from '../../config.ts';
import { Joi } from '../validate.ts';
import { listQuery } from './households.ts';

const standard = Joi.string().valid('city', 'national').default('city');
const round = (c: Config) => Joi.number().integer().min(c.roundMin).max(c.roundMax);

/**
 * `from`: the round to compare with (issue 15: any earlier round, not only the previous one); absent = round − 1.
 * In the baseline round (ROUND_MIN) there is no earlier round, so no `from` is valid there.
 */
export const ratesQuery = (c: Config) =>
  Joi.object({
    round: round(c).required(),
    // less() before the bounds: the OpenAPI converter then keeps the numeric maximum beside the reference.
    from: Joi.number()
      .integer()
      .less(Joi.ref('round'))
      .min(c.roundMin)
      .max(c.roundMax - 1)
      .description('The round to compare with (the start of each row); default: the previous round')
      .messages({ 'number.less': '"from" must be an earlier round than "round"' }),
    standard,
  });

export const trendQuery = (c: Config) =>
  Joi.object({
    from: round(c).default(c.roundMin),
    to: round(c).min(Joi.ref('from')).default(c.roundMax),
    standard,
  });

export const totalsQuery = (c: Config) => Joi.object({ round: round(c).required() });

export const totalParams = (c: Config) =>
  Joi.object({
    wardCode: Joi.string().pattern(/^\d{5}$/).required(),
    round: round(c).required(),
  });

/** Households of a ward: Quận 12 wards hold 5–20k; the bound only stops typing slips. */
export const totalBody = Joi.object({ households: Joi.number().integer().min(0).max(10_000_000).required() });

/** Filters of GET /api/households.xlsx: exactly those of GET /api/households (helper B's listQuery), without paging. */
export const householdsExportQuery = listQuery.fork(['page', 'pageSize', 'cursor'], () => Joi.forbidden());

/** Path of the totals sheet upload: the round the sheet's totals belong to. */
export const totalsUploadParams = (c: Config) => Joi.object({ round: round(c).required() });
