/**
 * The project's joi: `string` extended with the text-safety rules of text-safety.ts, so the API schemas
 * (server/http/schemas) and the import's row schemas (imports/row-rules.ts) refuse the same characters.
 * - every string refuses control, bidi and zero-width characters (INVALID_CHARACTERS);
 * - `.identityText()` (names, addresses, relations) also refuses look-alike scripts and legacy-font text;
 * - `.householdCode()` allows ASCII letters, digits and "- / ." only.
 * The error types are the stable codes themselves; joi-messages.ts gives them their Vietnamese message.
 */
import BaseJoi from 'joi';
import { TEXT_MESSAGES, householdCodeProblem, identityTextProblem, plainTextProblem, type TextProblem } from './text-safety.ts';

export interface SafeStringSchema<TSchema = string> extends BaseJoi.StringSchema<TSchema> {
  identityText(): this;
  householdCode(): this;
}

export interface SafeJoi extends BaseJoi.Root {
  string<TSchema = string>(): SafeStringSchema<TSchema>;
}

const report = (problem: TextProblem | null, value: string, helpers: BaseJoi.CustomHelpers) =>
  problem ? { value, errors: [helpers.error(problem.code)] } : undefined;

export const Joi: SafeJoi = BaseJoi.extend((joi) => ({
  type: 'string',
  base: joi.string(),
  messages: Object.fromEntries(Object.entries(TEXT_MESSAGES).map(([code, m]) => [code, `{{#label}} ${m.en}`])),
  validate(value: unknown, helpers) {
    if (typeof value !== 'string') return { value };
    return report(plainTextProblem(value), value, helpers as never) ?? { value };
  },
  rules: {
    identityText: {
      method() {
        return this.$_addRule('identityText');
      },
      validate(value: string, helpers) {
        const p = identityTextProblem(value);
        return p ? helpers.error(p.code) : value;
      },
    },
    householdCode: {
      method() {
        return this.$_addRule('householdCode');
      },
      validate(value: string, helpers) {
        const p = householdCodeProblem(value);
        return p ? helpers.error(p.code) : value;
      },
    },
  },
})) as SafeJoi;

export default Joi;
