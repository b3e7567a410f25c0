import { Joi } from '../validate.ts';
import { MIN_PASSWORD_LENGTH } from '../../domain/users/passwords.ts';

/*
 * Bodies of the account endpoints. Joi objects reject unknown keys (including `__proto__`, `districtCode`,
 * `passwordHash`, `id`…): mass assignment is a 400 naming the field, never silently dropped.
 */

/** Lower-case letters, digits, dot, dash, underscore; 3–64 characters. Logins are matched in lower case. */
export const username = Joi.string().trim().lowercase().pattern(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'username');
export const password = Joi.string().min(MIN_PASSWORD_LENGTH).max(256);
const role = Joi.string().valid('admin', 'district', 'ward');
const wardCode = Joi.string().trim().pattern(/^\d{5}$/, 'ward code');

export const credentialsSchema = Joi.object({
  username: Joi.string().trim().lowercase().max(64).required(),
  password: Joi.string().max(256).required(),
});

/** POST /api/auth/token: the credentials and an optional name for the token (plain text, see domain/joi.ts). */
export const tokenRequestSchema = credentialsSchema.keys({
  name: Joi.string().trim().max(100).allow('', null),
});

export const passwordChangeSchema = Joi.object({
  currentPassword: Joi.string().max(256).required(),
  newPassword: password.required(),
});

export const createUserSchema = Joi.object({
  username: username.required(),
  password: password.required(),
  role: role.required(),
  wardCode: wardCode.allow(null),
  mustChangePassword: Joi.boolean(),
});

export const updateUserSchema = Joi.object({
  role,
  wardCode: wardCode.allow(null),
  disabled: Joi.boolean(),
  password,
}).min(1);

export const usernameParam = Joi.object({ username: username.required() });

export const pageQuery = Joi.object({
  page: Joi.number().integer().min(1).max(100_000).default(1),
  pageSize: Joi.number().integer().min(1).max(500).default(100),
});

export const tokenIdParam = Joi.object({ id: Joi.string().guid().required() });
