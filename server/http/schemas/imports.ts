import { Joi } from '../validate.ts';

export const commitBody = Joi.object({
  skipInvalid: Joi.boolean().default(false),
});

export const listQuery = Joi.object({
  page: Joi.number().integer().min(1).max(100_000).default(1),
  pageSize: Joi.number().integer().min(1).max(200).default(50),
});
