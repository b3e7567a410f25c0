/**
 * Builds the OpenAPI 3.1 document from routes.ts. Request schemas are converted from the routes' own joi schemas by
 * joi-to-json (its "open-api-3.1" output is JSON Schema 2020-12, what OpenAPI 3.1 embeds); the error model and the
 * two auth schemes are described once here.
 */
import type Joi from 'joi';
import parse from 'joi-to-json';
import type { Config } from '../../config.ts';
import { routeDocs, type RouteDoc } from './routes.ts';

type Json = Record<string, unknown>;

const BOUNDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems'];

/**
 * joi bounds that refer to another field (`to: min(Joi.ref('from'))`) come out of the converter as an object where
 * JSON Schema wants a number: drop such a bound (JSON Schema cannot say it) and state it in the description.
 */
function dropReferenceBounds(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropReferenceBounds);
  if (!node || typeof node !== 'object') return;
  const o = node as Json;
  for (const k of BOUNDS) {
    if (k in o && typeof o[k] !== 'number') {
      o.description = [o.description, `${k}: another field (${JSON.stringify(o[k])})`].filter(Boolean).join('; ');
      delete o[k];
    }
  }
  Object.values(o).forEach(dropReferenceBounds);
}

const toSchema = (schema: Joi.Schema): Json => {
  const out = parse(schema as never, 'open-api-3.1') as Json;
  dropReferenceBounds(out);
  return out;
};

/** `/households/:id` → `/households/{id}` */
export const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Each property of an object schema becomes one parameter, keeping its constraints and whether it is required. */
function parameters(where: 'path' | 'query', schema: Joi.ObjectSchema | undefined): Json[] {
  if (!schema) return [];
  const s = toSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    schema: prop,
  }));
}

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

function errorResponses(r: RouteDoc): Json {
  const out: Json = { '400': ref('ValidationFailed') };
  if (r.access !== 'public') out['401'] = ref('Unauthenticated');
  if (Array.isArray(r.access) || r.access === 'signedIn') out['403'] = ref('Forbidden');
  if (r.params) out['404'] = ref('NotFound');
  if (r.ifMatch) Object.assign(out, { '412': ref('PreconditionFailed'), '428': ref('PreconditionRequired') });
  if (r.method !== 'get') out['409'] = ref('Conflict');
  if (r.upload) out['413'] = ref('PayloadTooLarge');
  out['500'] = ref('ServerError');
  return out;
}

function success(r: RouteDoc): Json {
  const status = String(r.status ?? 200);
  if (r.reply === 'empty') return { [status]: { description: 'Done (no body)' } };
  if (r.reply === 'xlsx') {
    return { [status]: { description: 'An .xlsx workbook (Content-Disposition names the file)', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } } };
  }
  const schema = r.reply === 'list' ? { $ref: '#/components/schemas/Page' } : r.reply === 'accepted' ? { $ref: '#/components/schemas/Accepted' } : { type: 'object' };
  const headers = r.ifMatch || r.path.startsWith('/households/:id') ? { ETag: { description: 'The version, for If-Match', schema: { type: 'string' } } } : undefined;
  return { [status]: { description: r.reply === 'list' ? 'A page of items' : 'OK', headers, content: { 'application/json': { schema } } } };
}

function operation(r: RouteDoc): Json {
  const params = [...parameters('path', r.params), ...parameters('query', r.query)];
  if (r.ifMatch) params.push({ name: 'If-Match', in: 'header', required: true, description: 'The ETag of the version changed ("3")', schema: { type: 'string' } });
  if (r.method !== 'get' && r.access !== 'public') {
    params.push({ name: 'X-CSRF-Token', in: 'header', required: false, description: 'Required with the session cookie (not with a bearer token)', schema: { type: 'string' } });
  }
  const op: Json = {
    operationId: `${r.method}${openApiPath(r.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    tags: [r.tag],
    summary: r.summary,
    description: r.access === 'public' ? 'No sign-in needed.' : r.access === 'signedIn' ? 'Any signed-in user (scoped to its ward/district).' : `Roles: ${r.access.join(', ')} (scoped).`,
    security: r.access === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
    parameters: params.length ? params : undefined,
    responses: { ...success(r), ...errorResponses(r) },
  };
  if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: toSchema(r.body) } } };
  if (r.upload) {
    op.requestBody = {
      required: true,
      content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } } } } },
    };
  }
  return op;
}

const localized = { type: 'object', required: ['vi', 'en'], properties: { vi: { type: 'string' }, en: { type: 'string' } } };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export function buildOpenApi(config: Config): Json {
  const paths: Record<string, Json> = {};
  for (const r of routeDocs(config)) (paths[`/api${openApiPath(r.path)}`] ??= {})[r.method] = operation(r);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sổ hộ nghèo API',
      version: '1',
      description:
        'Registry of poor and near-poor households (Decision 59/2015/QĐ-TTg and the HCMC 2016–2020 standard). Single objects are returned bare; lists as { data, meta }. Every error carries a stable code, a Vietnamese and an English message, and per-field details.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routeDocs(config).map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/auth/token (scripts).' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'shn_session', description: 'The browser session from POST /api/auth/login; state-changing requests also send X-CSRF-Token.' },
      },
      schemas: {
        Localized: localized,
        ErrorDetail: {
          type: 'object',
          required: ['path', 'message'],
          properties: { path: { type: 'string', description: 'Field path, or a spreadsheet cell/row' }, code: { type: 'string' }, message: { $ref: '#/components/schemas/Localized' }, value: {} },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'details'],
              properties: {
                code: { type: 'string', examples: ['VALIDATION_FAILED'] },
                message: { $ref: '#/components/schemas/Localized' },
                details: { type: 'array', items: { $ref: '#/components/schemas/ErrorDetail' } },
                requestId: { type: 'string' },
              },
            },
          },
        },
        Page: {
          type: 'object',
          required: ['data', 'meta'],
          properties: {
            data: { type: 'array', items: { type: 'object' } },
            meta: { type: 'object', properties: { total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' } } },
          },
        },
        Accepted: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' }, status: { type: 'string' } } },
      },
      responses: {
        ValidationFailed: errorResponse('VALIDATION_FAILED: every problem at once, each with its field path'),
        Unauthenticated: errorResponse('UNAUTHENTICATED: no valid session or token'),
        Forbidden: errorResponse('FORBIDDEN (role), CSRF_FAILED or PASSWORD_CHANGE_REQUIRED'),
        NotFound: errorResponse('NOT_FOUND, also for objects outside the caller’s ward/district'),
        Conflict: errorResponse('A duplicate or a state that forbids the change'),
        PreconditionFailed: errorResponse('The version changed since it was read (stale If-Match)'),
        PreconditionRequired: errorResponse('If-Match is missing'),
        PayloadTooLarge: errorResponse('The upload is larger than allowed'),
        ServerError: errorResponse('Unexpected error (no details; see the request id in the logs)'),
      },
    },
  };
}
