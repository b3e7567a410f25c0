import { Joi } from '../validate.ts';
import { ARCHIVE_REASONS, SEXES, decodeCursor } from '../../domain/households/rules.ts';
import { AREAS, CATEGORIES, INCOME_PERS, STANDARDS } from '../../domain/criteria/types.ts';

/*
 * Bodies and queries of the household endpoints. Joi objects reject unknown keys (`id`, `version`, `createdBy`,
 * `__proto__`, `wardCode` on update…): mass assignment is a 400 naming the field. Domain checks (ID number format,
 * birth years, NFC) run in server/domain/households/rules.ts so the import shares them.
 */
export const MAX_PAGE_SIZE = 200;
const wardCode = Joi.string().trim().pattern(/^\d{5}$/, 'ward code');
const idNumber = Joi.string().max(20).allow(null, '');

const member = Joi.object({
  name: Joi.string().max(200).identityText().required(),
  birthYear: Joi.number().integer().min(1900).max(2100).required(),
  sex: Joi.string().valid(...SEXES).required(),
  relation: Joi.string().max(50).identityText().allow('').default(''),
  idNumber: idNumber.default(null),
  hasHealthInsurance: Joi.boolean().required(),
  inSchool: Joi.boolean().default(false),
});

const fields = {
  // The character rule is checked on create, and on update only when the code changes (households/service.ts):
  // codes registered before it ("ĐHT-00001") stay editable.
  householdCode: Joi.string().trim().max(40),
  address: Joi.string().max(300).identityText().allow(''),
  area: Joi.string().valid(...AREAS),
  headName: Joi.string().max(200).identityText(),
  headIdNumber: idNumber,
  members: Joi.array().items(member).max(50),
};

export const createHouseholdSchema = Joi.object({
  wardCode: wardCode.required(),
  householdCode: fields.householdCode.householdCode().required(),
  address: fields.address.default(''),
  area: fields.area.required(),
  headName: fields.headName.required(),
  headIdNumber: fields.headIdNumber.default(null),
  members: fields.members.default([]),
});

export const updateHouseholdSchema = Joi.object(fields).min(1);

export const archiveSchema = Joi.object({ reason: Joi.string().valid(...ARCHIVE_REASONS).required() });

export const idParam = Joi.object({ id: Joi.string().guid().required() });
export const assessmentParams = Joi.object({ id: Joi.string().guid().required(), round: Joi.number().integer().min(2000).max(2100).required() });

export const listQuery = Joi.object({
  ward: wardCode,
  round: Joi.number().integer().min(2000).max(2100),
  standard: Joi.string().valid(...STANDARDS).default('city'),
  category: Joi.string().valid(...CATEGORIES),
  q: Joi.string().trim().max(100).allow(''),
  status: Joi.string().valid('active', 'archived', 'all').default('active'),
  page: Joi.number().integer().min(1).max(100000).default(1),
  pageSize: Joi.number().integer().min(1).max(MAX_PAGE_SIZE).default(50),
  // The pager's cursor from meta.nextCursor / meta.prevCursor (keyset paging, issue 14), sent with the page number.
  cursor: Joi.string()
    .max(800)
    .custom((v: string, helpers) => (decodeCursor(v) ? v : helpers.error('any.invalid')), 'list cursor'),
}).with('category', 'round');

const indicatorCode = Joi.string().pattern(/^[a-z][a-z0-9_]{0,49}$/, 'indicator code');
export const incomeSchema = Joi.object({
  amount: Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER).required(),
  per: Joi.string().valid(...INCOME_PERS).required(),
});

export const assessmentSchema = Joi.object({
  income: incomeSchema.required(),
  deprivations: Joi.array().items(indicatorCode).max(50).unique().default([]),
  facts: Joi.object({
    floorArea: Joi.number().min(0).max(100000),
    membersCount: Joi.number().integer().min(1).max(100),
  })
    .pattern(/^(?!derived$)[a-zA-Z][a-zA-Z0-9_]{0,39}$/, Joi.alternatives(Joi.string().max(500), Joi.number(), Joi.boolean(), null))
    .max(30)
    .default({}),
  surveyedAt: Joi.string()
    .pattern(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
    .custom((v: string, helpers) => (new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v ? v : helpers.error('date.base')), 'calendar date')
    .allow(null),
  surveyor: Joi.string().max(200).allow(null, ''),
});

/** If-Match: `"3"`, `W/"3"` or `3` → 3; absent → null; anything else → 412 (it cannot match). */
export function parseIfMatch(header: string | undefined): number | null | 'invalid' {
  if (header === undefined || header.trim() === '') return null;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return m ? Number(m[1]) : 'invalid';
}
