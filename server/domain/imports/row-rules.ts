/**
 * One spreadsheet row → a validated ImportRow or its errors. Pure: the parser (in the child process) calls it with
 * the cells of the row (row-cells.ts) and what it knows about wards, scope and indicators. Every row goes through joi
 * (shapes and ranges) and the household rules shared with the API (households/rules.ts).
 */
import type { ObjectSchema } from 'joi';
import { Joi } from '../joi.ts';
import type { Message } from '../../errors.ts';
import { householdProblems, normalizeHousehold, type Member } from '../households/rules.ts';
import { fold } from '../text.ts';
import { resolveEthnicGroup } from '../households/ethnic-groups.ts';
import { indicatorKey, type IndicatorColumn } from './columns.ts';
import type { ImportError, ImportRow } from './types.ts';
import { columnOf, joiErrors, msg, oncePer, type ColumnMap, type SheetRow } from './row-cells.ts';

export interface WardInfo {
  code: string;
  name: string;
  districtCode: string;
}

/** What the parser knows besides the file (serialisable: it is sent to the child process). */
export interface RowContext {
  wards: WardInfo[];
  /** Ward codes inside the importing user's scope. */
  allowedWards: string[];
  /** Indicator columns (union of the sets applying to the configured rounds). */
  indicators: IndicatorColumn[];
  /** Indicator codes known in each round (city ∪ national set of that round). */
  indicatorsByRound: Record<number, string[]>;
  roundMin: number;
  roundMax: number;
  currentYear: number;
  /** "ward/round" of approved ward lists: their rows are refused with ROUND_APPROVED (issue 12 §2). */
  approvedWardRounds: string[];
}

/** The indicator columns' value keys, and the indicator codes of each round. */
const indicatorLookup = oncePer((ctx: RowContext) => ({
  keys: ctx.indicators.map((i) => indicatorKey(i.code)),
  byRound: new Map(Object.entries(ctx.indicatorsByRound).map(([round, codes]) => [Number(round), new Set(codes)])),
}));

/** joi schema of a household row (building it per row costs more than validating). */
const householdSchema = oncePer((ctx: RowContext): ObjectSchema => householdRowSchema(ctx));

const householdRowSchema = (ctx: RowContext) =>
  Joi.object({
    wardCode: Joi.string().max(20).required(),
    householdCode: Joi.string().householdCode().required(),
    headName: Joi.string().max(200).identityText().required(),
    headIdNumber: Joi.string().pattern(/^(\d{9}|\d{12})$/).allow(null),
    address: Joi.string().max(500).identityText().allow(''),
    area: Joi.string().valid('urban', 'rural').required(),
    membersCount: Joi.number().integer().min(1).max(100).required(),
    round: Joi.number().integer().min(ctx.roundMin).max(ctx.roundMax).required(),
    incomeAmount: Joi.number().integer().min(0).max(1e12).required(),
    floorArea: Joi.number().min(0).max(100_000).allow(null),
    surveyedAt: Joi.string().isoDate().allow(null),
    surveyor: Joi.string().max(200).allow(null),
  });

/** Finds a ward by code, or by name with or without the "Phường" prefix, accent- and case-insensitively. */
export function resolveWard(ctx: RowContext, code: string | null, name: string | null): WardInfo | null {
  if (code) return ctx.wards.find((w) => w.code === code) ?? null;
  if (!name) return null;
  const bare = (s: string) => fold(s).replace(/^(phuong|xa|thi tran|p\.?)\s*/, '').replace(/\s+/g, '');
  const n = bare(name);
  return ctx.wards.find((w) => bare(w.name) === n) ?? null;
}

/** Validates one household row; returns the ImportRow or null (its errors appended to `errors`). */
export function validateHouseholdRow(ctx: RowContext, r: SheetRow, map: ColumnMap, values: Record<string, unknown>, errors: ImportError[]): ImportRow | null {
  const before = errors.length;
  const push = (field: string, code: string, value: unknown, message: Message) => errors.push({ sheet: r.sheet, row: r.row, ...columnOf(map, field), code, value: value == null ? null : String(value), message });

  const wardCode = (values.ward_code as string | null | undefined) ?? null;
  const wardName = (values.ward_name as string | null | undefined) ?? null;
  const ward = resolveWard(ctx, wardCode, wardName);
  if (!ward && (wardCode || wardName)) push('wardCode', 'UNKNOWN_WARD', wardCode ?? wardName, msg('Không có phường này trong danh mục', 'No such ward in the catalogue'));
  else if (ward && !ctx.allowedWards.includes(ward.code)) push('wardCode', 'OUT_OF_SCOPE', ward.code, msg('Phường này ngoài phạm vi tài khoản của bạn', 'This ward is outside your account’s scope'));

  const month = values.income_month as number | null | undefined;
  const year = values.income_year as number | null | undefined;
  if (month != null && year != null) push('incomeAmount', 'AMBIGUOUS_INCOME', `${month} / ${year}`, msg('Chỉ ghi thu nhập theo tháng hoặc theo năm, không ghi cả hai', 'Give the income per month or per year, not both'));
  else if (month == null && year == null && !errors.slice(before).some((e) => ['income_month', 'income_year'].includes(map.keys.get(e.col ?? 0) ?? ''))) {
    push('incomeAmount', 'MISSING_INCOME', null, msg('Thiếu thu nhập bình quân', 'The average income is missing'));
  }

  const candidate = normalizeHousehold({
    wardCode: ward?.code ?? wardCode ?? wardName ?? undefined,
    householdCode: (values.household_code as string | null) ?? undefined,
    headName: (values.head_name as string | null) ?? undefined,
    headIdNumber: (values.head_id_number as string | null | undefined) ?? null,
    address: (values.address as string | null) ?? '',
  });
  const shape = {
    ...candidate,
    area: values.area ?? undefined,
    membersCount: values.members_count ?? undefined,
    round: values.round ?? undefined,
    incomeAmount: month ?? year ?? undefined,
    floorArea: values.floor_area ?? null,
    surveyedAt: values.survey_date ?? null,
    surveyor: values.surveyor ?? null,
  };
  const { error } = householdSchema(ctx).validate(shape, { abortEarly: false, convert: false });
  joiErrors(error, r, map, values, errors);
  if (!error) {
    for (const p of householdProblems(candidate, ctx.currentYear)) push(p.path, p.code ?? 'INVALID_VALUE', (candidate as Record<string, unknown>)[p.path], p.message);
  }

  const round = shape.round as number | undefined;
  if (ward && round !== undefined && ctx.approvedWardRounds.includes(`${ward.code}/${round}`)) {
    push('round', 'ROUND_APPROVED', round, msg(`Danh sách kỳ ${round} của phường đã được phê duyệt; không thể thay đổi (đề nghị quận mở lại kỳ)`, `The ward's round ${round} list is approved and frozen (ask the district to reopen it)`));
  }
  const ethnicText = values.ethnic_group as string | null | undefined;
  const ethnic = ethnicText ? resolveEthnicGroup(ethnicText) : null;
  if (ethnicText && !ethnic) push('ethnicGroup', 'UNKNOWN_ETHNIC_GROUP', ethnicText, msg('Không có dân tộc này trong danh mục 54 dân tộc', 'Not one of the 54 ethnic groups of Viet Nam'));
  const lookup = indicatorLookup(ctx);
  const known = round !== undefined ? (lookup.byRound.get(round) ?? new Set<string>()) : null;
  const deprivations: string[] = [];
  for (let i = 0; i < ctx.indicators.length; i++) {
    const ind = ctx.indicators[i]!;
    if (values[lookup.keys[i]!] !== true) continue;
    if (known && !known.has(ind.code)) push(ind.code, 'INDICATOR_NOT_IN_SET', 'x', msg(`Chỉ số "${ind.vi}" không thuộc bộ tiêu chí của năm ${round}`, `Indicator "${ind.en}" is not part of the criteria of round ${round}`));
    else deprivations.push(ind.code);
  }
  if (errors.length > before || !ward) return null;
  const facts: ImportRow['facts'] = { membersCount: shape.membersCount as number };
  if (shape.floorArea !== null) facts.floorArea = shape.floorArea as number;
  return {
    wardCode: ward.code,
    householdCode: candidate.householdCode!,
    headName: candidate.headName!,
    headIdNumber: candidate.headIdNumber ?? null,
    address: candidate.address ?? '',
    area: shape.area as 'urban' | 'rural',
    ...(ethnic ? { ethnicGroup: ethnic.code } : {}),
    round: round!,
    income: { amount: (month ?? year)!, per: month != null ? 'month' : 'year' },
    deprivations,
    facts,
    surveyedAt: shape.surveyedAt as string | null,
    surveyor: shape.surveyor as string | null,
    sheet: r.sheet,
    sheetRow: r.row,
  };
}

const memberSchema = Joi.object({
  name: Joi.string().max(200).identityText().required(),
  birthYear: Joi.number().integer().required(),
  sex: Joi.string().valid('male', 'female').required(),
  relation: Joi.string().max(100).identityText().allow(''),
  idNumber: Joi.string().allow(null),
  hasHealthInsurance: Joi.boolean().allow(null).required(),
  inSchool: Joi.boolean().allow(null).required(),
});

/** Validates one member row ("Nhân khẩu" sheet); returns the key of its household and the member. */
export function validateMemberRow(ctx: RowContext, r: SheetRow, map: ColumnMap, values: Record<string, unknown>, errors: ImportError[]): { wardCode: string; householdCode: string; member: Member } | null {
  const before = errors.length;
  const push = (field: string, code: string, value: unknown, message: Message) => errors.push({ sheet: r.sheet, row: r.row, ...columnOf(map, field), code, value: value == null ? null : String(value), message });
  const wardCode = values.ward_code as string | null;
  const householdCode = values.household_code as string | null;
  const ward = resolveWard(ctx, wardCode, null);
  if (!wardCode) push('wardCode', 'REQUIRED', null, msg('Bắt buộc phải nhập', 'is required'));
  else if (!ward) push('wardCode', 'UNKNOWN_WARD', wardCode, msg('Không có phường này trong danh mục', 'No such ward in the catalogue'));
  else if (!ctx.allowedWards.includes(ward.code)) push('wardCode', 'OUT_OF_SCOPE', wardCode, msg('Phường này ngoài phạm vi tài khoản của bạn', 'This ward is outside your account’s scope'));
  if (!householdCode) push('householdCode', 'REQUIRED', null, msg('Bắt buộc phải nhập', 'is required'));
  const member = {
    name: (values.name as string | null) ?? undefined,
    birthYear: values.birth_year ?? undefined,
    sex: values.sex ?? undefined,
    relation: (values.relation as string | null) ?? '',
    idNumber: (values.id_number as string | null | undefined) ?? null,
    hasHealthInsurance: (values.has_health_insurance as boolean | null | undefined) ?? null,
    inSchool: (values.in_school as boolean | null | undefined) ?? null,
  };
  const { error } = memberSchema.validate(member, { abortEarly: false, convert: false });
  joiErrors(error, r, map, values, errors);
  if (!error) {
    for (const p of householdProblems({ members: [member as Member] }, ctx.currentYear)) {
      const field = p.path.split('.').pop()!;
      push(field, p.code ?? 'INVALID_VALUE', (member as Record<string, unknown>)[field], p.message);
    }
  }
  if (errors.length > before || !ward || !householdCode) return null;
  return { wardCode: ward.code, householdCode, member: member as Member };
}
