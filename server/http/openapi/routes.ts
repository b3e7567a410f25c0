/**
 * The API's table of contents for GET /api/openapi.json: each route with the very joi schemas its handler validates
 * with (imported, never copied), who may call it and what it answers. test/api/openapi.test.ts fails when Express
 * serves a route missing here, so a new route cannot go undocumented.
 */
import type Joi from 'joi';
import type { Config } from '../../config.ts';
import { Joi as J } from '../validate.ts';
import { auditQuery } from '../schemas/audit.ts';
import { classifySchema, newVersionSchema, reclassifySchema, setIdParam, versionQuery } from '../schemas/criteria.ts';
import { archiveSchema, assessmentParams, assessmentSchema, createHouseholdSchema, idParam, listQuery, updateHouseholdSchema } from '../schemas/households.ts';
import { commitBody, listQuery as importsListQuery } from '../schemas/imports.ts';
import { householdsExportQuery, ratesQuery, totalBody, totalParams, totalsQuery, totalsUploadParams, trendQuery } from '../schemas/reports.ts';
import { approveSchema, reopenSchema, roundParam, wardRoundParams } from '../schemas/rounds.ts';
import { createUserSchema, credentialsSchema, pageQuery, passwordChangeSchema, tokenIdParam, tokenRequestSchema, updateUserSchema, usernameParam } from '../schemas/users.ts';
import { unitsQuery } from '../routers/units.ts';
import { listDuplicatesQuery, pairParam, resolveSchema } from '../schemas/duplicates.ts';
import { backupNameParam } from '../schemas/backups.ts';

export type Access = 'public' | 'signedIn' | ('admin' | 'district' | 'ward')[];
export type Reply = 'json' | 'list' | 'xlsx' | 'gzip' | 'empty' | 'accepted';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path under /api (`:param` form). */
  path: string;
  tag: string;
  summary: string;
  access: Access;
  params?: Joi.ObjectSchema;
  query?: Joi.ObjectSchema;
  body?: Joi.Schema;
  /** multipart/form-data with one `file` part (an .xlsx). */
  upload?: boolean;
  reply: Reply;
  status?: number;
  /** Needs `If-Match: "<version>"` (optimistic concurrency). */
  ifMatch?: boolean;
}

/** Import ids are UUIDs; the import router checks them in its service, this schema only describes them. */
const importIdParam = J.object({ id: J.string().guid().required() });

export function routeDocs(config: Config): RouteDoc[] {
  const all: ('admin' | 'district' | 'ward')[] = ['admin', 'district', 'ward'];
  return [
    { method: 'get', path: '/health', tag: 'system', summary: 'Health: database engine and migrations', access: 'public', reply: 'json' },
    { method: 'get', path: '/settings', tag: 'system', summary: 'Public settings the client needs before login', access: 'public', reply: 'json' },
    { method: 'get', path: '/openapi.json', tag: 'system', summary: 'This document', access: 'public', reply: 'json' },
    { method: 'get', path: '/units', tag: 'units', summary: 'Ward boundaries of a district (GeoJSON)', access: 'public', query: unitsQuery, reply: 'json' },

    { method: 'post', path: '/auth/login', tag: 'auth', summary: 'Sign in: sets the session cookie, returns the CSRF token', access: 'public', body: credentialsSchema, reply: 'json' },
    { method: 'post', path: '/auth/token', tag: 'auth', summary: 'Get a bearer token for scripts (optionally named)', access: 'public', body: tokenRequestSchema, reply: 'json' },
    { method: 'post', path: '/auth/logout', tag: 'auth', summary: 'End this session', access: 'signedIn', reply: 'empty', status: 204 },
    { method: 'get', path: '/auth/me', tag: 'auth', summary: 'The signed-in user and the CSRF token', access: 'signedIn', reply: 'json' },
    { method: 'get', path: '/auth/tokens', tag: 'auth', summary: 'The caller\'s API tokens (name, created, last used, expires)', access: 'signedIn', reply: 'list' },
    { method: 'delete', path: '/auth/tokens/:id', tag: 'auth', summary: 'Revoke one of the caller\'s API tokens', access: 'signedIn', params: tokenIdParam, reply: 'empty', status: 204 },
    { method: 'post', path: '/auth/password', tag: 'auth', summary: 'Change the own password', access: 'signedIn', body: passwordChangeSchema, reply: 'json' },

    { method: 'get', path: '/users', tag: 'users', summary: 'Accounts with their last sign-in', access: ['admin'], query: pageQuery, reply: 'list' },
    { method: 'post', path: '/users', tag: 'users', summary: 'Create an account', access: ['admin'], body: createUserSchema, reply: 'json', status: 201 },
    { method: 'patch', path: '/users/:username', tag: 'users', summary: 'Change role or ward, disable/enable, reset the password', access: ['admin'], params: usernameParam, body: updateUserSchema, reply: 'json' },

    { method: 'get', path: '/audit', tag: 'audit', summary: 'Audit trail (scoped), filtered by entity, action, ward, user and dates', access: all, query: auditQuery, reply: 'list' },

    { method: 'get', path: '/criteria', tag: 'criteria', summary: 'Latest version of every criteria set', access: 'signedIn', reply: 'list' },
    { method: 'get', path: '/criteria/:id', tag: 'criteria', summary: 'A criteria set (a version) and its version list', access: 'signedIn', params: setIdParam, query: versionQuery, reply: 'json' },
    { method: 'get', path: '/criteria/:id/usage', tag: 'criteria', summary: 'Rounds classified with the set and assessments per version', access: 'signedIn', params: setIdParam, reply: 'json' },
    { method: 'post', path: '/criteria/:id/versions', tag: 'criteria', summary: 'Create a new version of a set', access: ['admin'], params: setIdParam, body: newVersionSchema, reply: 'json', status: 201 },
    { method: 'post', path: '/criteria/:id/reclassify', tag: 'criteria', summary: 'Re-classify stored assessments under the latest version', access: ['admin'], params: setIdParam, body: reclassifySchema, reply: 'json' },
    { method: 'post', path: '/classify', tag: 'criteria', summary: 'What-if classification', access: 'signedIn', body: classifySchema, reply: 'json' },

    { method: 'get', path: '/households', tag: 'households', summary: 'Search and list households (scoped)', access: all, query: listQuery, reply: 'list' },
    { method: 'post', path: '/households', tag: 'households', summary: 'Create a household', access: all, body: createHouseholdSchema, reply: 'json', status: 201 },
    { method: 'get', path: '/households/:id', tag: 'households', summary: 'A household (ETag = version)', access: all, params: idParam, reply: 'json' },
    { method: 'patch', path: '/households/:id', tag: 'households', summary: 'Change a household', access: all, params: idParam, body: updateHouseholdSchema, reply: 'json', ifMatch: true },
    { method: 'delete', path: '/households/:id', tag: 'households', summary: 'Archive a household with a reason', access: all, params: idParam, body: archiveSchema, reply: 'json', ifMatch: true },
    { method: 'post', path: '/households/:id/restore', tag: 'households', summary: 'Restore an archived household', access: all, params: idParam, reply: 'json', ifMatch: true },
    { method: 'put', path: '/households/:id/assessments/:round', tag: 'households', summary: 'Record the assessment of a round', access: all, params: assessmentParams, body: assessmentSchema, reply: 'json' },
    { method: 'get', path: '/households/:id/history', tag: 'households', summary: 'Assessments and audited changes of a household', access: all, params: idParam, reply: 'json' },
    { method: 'get', path: '/households.xlsx', tag: 'reports', summary: 'Export the filtered household list', access: all, query: householdsExportQuery, reply: 'xlsx' },

    { method: 'get', path: '/imports/template.xlsx', tag: 'imports', summary: 'The survey workbook template', access: 'signedIn', reply: 'xlsx' },
    { method: 'post', path: '/imports', tag: 'imports', summary: 'Upload a survey workbook: starts the dry run', access: all, upload: true, reply: 'accepted', status: 202 },
    { method: 'get', path: '/imports', tag: 'imports', summary: 'Import history', access: all, query: importsListQuery, reply: 'list' },
    { method: 'get', path: '/imports/:id', tag: 'imports', summary: 'Import status, progress and row errors', access: all, params: importIdParam, reply: 'json' },
    { method: 'delete', path: '/imports/:id', tag: 'imports', summary: 'Discard an uncommitted import: its stored workbook and rows are deleted (409 once committed)', access: all, params: importIdParam, reply: 'json' },
    { method: 'post', path: '/imports/:id/commit', tag: 'imports', summary: 'Commit a checked import', access: all, params: importIdParam, body: commitBody, reply: 'accepted', status: 202 },
    { method: 'get', path: '/imports/:id/annotated.xlsx', tag: 'imports', summary: 'The uploaded workbook with each error marked', access: all, params: importIdParam, reply: 'xlsx' },

    { method: 'get', path: '/units/totals', tag: 'totals', summary: 'Total households per ward for a round', access: 'signedIn', query: totalsQuery(config), reply: 'json' },
    { method: 'put', path: '/units/:wardCode/totals/:round', tag: 'totals', summary: "Set a ward's total households for a round", access: ['admin', 'district'], params: totalParams(config), body: totalBody, reply: 'json' },
    { method: 'post', path: '/units/totals/:round/sheet', tag: 'totals', summary: 'Upload the two-column totals sheet (ward code, households)', access: ['admin', 'district'], params: totalsUploadParams(config), upload: true, reply: 'json' },
    { method: 'get', path: '/rounds/:round/wards', tag: 'rounds', summary: 'Each ward’s list status in a round: open, submitted, approved (decision), unreviewed count', access: 'signedIn', params: roundParam, reply: 'list' },
    { method: 'get', path: '/rounds/:round/wards/:wardCode/unreviewed', tag: 'rounds', summary: 'Households on last round’s lists with neither an assessment nor an archive', access: all, params: wardRoundParams, reply: 'list' },
    { method: 'post', path: '/rounds/:round/wards/:wardCode/submit', tag: 'rounds', summary: 'Submit the ward’s list (409 UNREVIEWED_HOUSEHOLDS with the list)', access: all, params: wardRoundParams, reply: 'json' },
    { method: 'post', path: '/rounds/:round/wards/:wardCode/approve', tag: 'rounds', summary: 'Approve a submitted list with its decision: the round is frozen (409 ROUND_APPROVED on writes)', access: ['admin', 'district'], params: wardRoundParams, body: approveSchema, reply: 'json' },
    { method: 'post', path: '/rounds/:round/wards/:wardCode/reopen', tag: 'rounds', summary: 'Reopen a submitted or approved list, with a reason', access: ['admin', 'district'], params: wardRoundParams, body: reopenSchema, reply: 'json' },

    { method: 'get', path: '/reports/rates', tag: 'reports', summary: 'Poverty rates per ward for a round, compared with the previous round or an earlier one (from)', access: 'signedIn', query: ratesQuery(config), reply: 'json' },
    { method: 'get', path: '/reports/trend', tag: 'reports', summary: 'Rates over a range of rounds', access: 'signedIn', query: trendQuery(config), reply: 'json' },
    { method: 'get', path: '/reports/rates.xlsx', tag: 'reports', summary: 'The rates report as a workbook (same round, from and standard)', access: 'signedIn', query: ratesQuery(config), reply: 'xlsx' },

    { method: 'get', path: '/duplicates', tag: 'duplicates', summary: 'Possible duplicate households (same ID number, or same head name with birth year / address); a ward user sees the other side as a ward name', access: 'signedIn', query: listDuplicatesQuery, reply: 'list' },
    { method: 'post', path: '/duplicates/:id/resolve', tag: 'duplicates', summary: 'Resolve a pair: not_duplicate (remembered) or merged (archives the other household)', access: ['admin', 'district'], params: pairParam, body: resolveSchema, reply: 'json' },
    // Backups (issue 18)
    { method: 'get', path: '/admin/backups', tag: 'backups', summary: 'Backups in BACKUP_DIR (size, time, checksum, row counts) and the last one\'s age', access: ['admin'], reply: 'list' },
    { method: 'post', path: '/admin/backups', tag: 'backups', summary: 'Take a backup now (one consistent snapshot); answers once it is written', access: ['admin'], reply: 'json', status: 201 },
    { method: 'get', path: '/admin/backups/:name', tag: 'backups', summary: 'Download a backup file (.jsonl.gz)', access: ['admin'], params: backupNameParam, reply: 'gzip' },
  ];
}
