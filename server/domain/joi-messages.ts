/**
 * joi's refusals in the project's shape: every error detail with its field path, joi's error type as the stable code,
 * and a message in Vietnamese and English. Used by the API (http/validate.ts) and by the import's row rules
 * (imports/row-rules.ts), so a bad value reads the same from a form and from a spreadsheet cell.
 */
import type { Context as JoiContext, ValidationError as JoiValidationError } from 'joi';
import { Joi } from './joi.ts';
import { TEXT_MESSAGES } from './text-safety.ts';
import type { ErrorDetail } from '../errors.ts';

/**
 * joi validates every body, query and imported row. Its messages are English; the Vietnamese one comes from this
 * table, keyed by joi's error type, so every refusal carries both languages and the field path.
 */
const VI: Record<string, (c: JoiContext) => string> = {
  'any.required': () => 'Bắt buộc phải nhập',
  'any.unknown': () => 'Trường này không được phép',
  'object.unknown': () => 'Trường này không được phép gửi lên',
  'any.only': (c) => `Phải là một trong: ${(c.valids ?? []).join(', ')}`,
  'any.invalid': () => 'Giá trị không được chấp nhận',
  'string.base': () => 'Phải là chuỗi ký tự',
  'string.empty': () => 'Không được để trống',
  'string.min': (c) => `Tối thiểu ${c.limit} ký tự`,
  'string.max': (c) => `Tối đa ${c.limit} ký tự`,
  'string.length': (c) => `Phải đúng ${c.limit} ký tự`,
  'string.pattern.base': () => 'Sai định dạng',
  'string.pattern.name': (c) => `Sai định dạng (${c.name})`,
  'string.guid': () => 'Mã định danh không hợp lệ',
  'string.isoDate': () => 'Ngày không hợp lệ (YYYY-MM-DD)',
  'number.base': () => 'Phải là số',
  'number.integer': () => 'Phải là số nguyên',
  'number.min': (c) => `Không được nhỏ hơn ${c.limit}`,
  'number.max': (c) => `Không được lớn hơn ${c.limit}`,
  // A bound that is another field (`from` < `round`) names that field.
  'number.less': (c) => `Phải nhỏ hơn ${Joi.isRef(c.limit) ? `giá trị của "${(c.limit as { key: string }).key}"` : c.limit}`,
  'number.unsafe': () => 'Số quá lớn',
  'boolean.base': () => 'Phải là đúng/sai (true/false)',
  'array.base': () => 'Phải là danh sách',
  'array.max': (c) => `Tối đa ${c.limit} phần tử`,
  'array.min': (c) => `Tối thiểu ${c.limit} phần tử`,
  'array.unique': () => 'Có phần tử bị trùng',
  'array.includesRequiredUnknowns': () => 'Thiếu phần tử bắt buộc',
  'object.base': () => 'Phải là một đối tượng',
  'date.base': () => 'Ngày không hợp lệ',
  'date.format': () => 'Ngày không hợp lệ',
  'date.max': () => 'Ngày không được ở tương lai',
  'object.missing': () => 'Thiếu một trong các trường bắt buộc',
  'object.xor': () => 'Chỉ được nhập một trong các trường',
  'object.with': () => 'Thiếu trường đi kèm',
  // Text safety (server/domain/text-safety.ts): the error type is the stable code.
  ...Object.fromEntries(Object.entries(TEXT_MESSAGES).map(([code, m]) => [code, () => m.vi])),
};

export function joiDetails(error: JoiValidationError, prefix = ''): ErrorDetail[] {
  return error.details.map((d) => {
    const path = [prefix, ...d.path.map(String)].filter(Boolean).join('.');
    const vi = VI[d.type]?.(d.context ?? {}) ?? 'Giá trị không hợp lệ';
    const en = d.message.replace(/^"[^"]*" /, '');
    return { path, code: d.type, message: { vi, en } };
  });
}
