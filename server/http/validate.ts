import type { Schema as JoiSchema } from 'joi';
import { Joi } from '../domain/joi.ts';
import { joiDetails } from '../domain/joi-messages.ts';
import { errors } from '../errors.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * joi silently drops an own `__proto__` key (what JSON.parse makes of `"__proto__": {...}`) instead of reporting it
 * as unknown, so prototype-pollution attempts are found here and refused like any other field a body may not set.
 */
function forbiddenKeyPaths(value: unknown, path: string[] = [], found: string[] = [], depth = 0): string[] {
  if (depth > 20 || value === null || typeof value !== 'object') return found;
  for (const key of Object.keys(value)) {
    const here = [...path, key];
    if (FORBIDDEN_KEYS.has(key)) found.push(here.join('.'));
    else forbiddenKeyPaths((value as Record<string, unknown>)[key], here, found, depth + 1);
  }
  return found;
}

/**
 * No request object needs more than this many keys (facts: 30, criteria indicators: 50 items). Above it the body is
 * refused before joi, which would otherwise spend seconds of CPU building one error per key (issue 13 item 10).
 */
export const MAX_KEYS_PER_OBJECT = 200;

function widestObject(value: unknown, depth = 0): { path: string[]; keys: number } {
  let widest = { path: [] as string[], keys: 0 };
  if (depth > 20 || value === null || typeof value !== 'object') return widest;
  const keys = Object.keys(value);
  if (keys.length > MAX_KEYS_PER_OBJECT) return { path: [], keys: keys.length };
  widest = { path: [], keys: Array.isArray(value) ? 0 : keys.length };
  for (const key of keys) {
    const inner = widestObject((value as Record<string, unknown>)[key], depth + 1);
    if (inner.keys > widest.keys) widest = { path: [key, ...inner.path], keys: inner.keys };
  }
  return widest;
}

/** Validates and converts `value`; throws VALIDATION_FAILED listing every problem with its field path. */
export function validate<T>(schema: JoiSchema<T>, value: unknown, prefix = ''): T {
  const widest = widestObject(value);
  if (widest.keys > MAX_KEYS_PER_OBJECT) {
    throw errors.validation([
      {
        path: [prefix, ...widest.path].filter(Boolean).join('.'),
        code: 'object.max',
        message: { vi: `Quá nhiều trường (${widest.keys}); tối đa ${MAX_KEYS_PER_OBJECT}`, en: `Too many fields (${widest.keys}); at most ${MAX_KEYS_PER_OBJECT}` },
      },
    ]);
  }
  const polluted = forbiddenKeyPaths(value);
  if (polluted.length > 0) {
    throw errors.validation(
      polluted.map((p) => ({
        path: [prefix, p].filter(Boolean).join('.'),
        code: 'object.unknown',
        message: { vi: 'Trường này không được phép gửi lên', en: 'is not allowed' },
      })),
    );
  }
  // A missing body (no JSON content type, or none at all) is validated as an empty object: every required field is
  // then named, instead of the handler reading fields of `undefined` (issue 13 item 9).
  const result = schema.validate(value === undefined ? {} : value, { abortEarly: false, convert: true, stripUnknown: false });
  if (result.error) throw errors.validation(joiDetails(result.error, prefix));
  return result.value as T;
}

export { Joi };
