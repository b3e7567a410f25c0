/**
 * Text safety: the one definition of which characters the registry accepts, shared by the API's joi schemas
 * (server/domain/joi.ts) and the import's row rules (imports/values.ts, imports/row-rules.ts). Pure functions.
 *
 * - Every text field refuses control characters (C0 except tab/newline/carriage return, DEL, C1), bidirectional
 *   overrides/isolates and zero-width characters: they hide or reorder what an officer sees on screen and in print,
 *   and a NUL makes PostgreSQL fail the whole statement (issue 13 item 1).
 * - Identity text (names, addresses, relations) also refuses a Cyrillic or Greek letter among Latin letters
 *   ("Nguyễn" with a Cyrillic "е" looks the same but never matches a search or a duplicate check), and text typed in
 *   the legacy TCVN3 (ABC) or VNI fonts, which would be stored garbled (issue 17 item 5).
 * - Household codes are ASCII letters, digits and "- / ." only, so look-alike codes cannot coexist.
 */
import type { Message } from '../errors.ts';

export type TextProblemCode = 'INVALID_CHARACTERS' | 'MIXED_SCRIPT' | 'LEGACY_ENCODING' | 'HOUSEHOLD_CODE';

export interface TextProblem {
  code: TextProblemCode;
  message: Message;
}

/** C0 controls but tab, line feed and carriage return; DEL; C1 controls. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Bidi marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A–E, U+2066–9). */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
/** Zero-width and invisible formatting characters (ZWSP, ZWNJ, ZWJ, word joiner, invisible operators, BOM, Mongolian vowel separator, soft hyphen). */
const ZERO_WIDTH = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/;
/** Lone UTF-16 surrogates: not representable in UTF-8 (PostgreSQL refuses them). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Latin-1 characters that never occur in Vietnamese written in Unicode (which uses only À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ
 * Ù Ú Ý and their lower case from that block) but fill text typed in the legacy TCVN3 (ABC) and VNI fonts, e.g.
 * "Lª V¨n" or "Nguyeãn Vaên Tröôøng".
 */
const LEGACY_FONT_CHARS = /[\u00A1-\u00BF\u00C4-\u00C7\u00CB\u00CE-\u00D1\u00D6-\u00D8\u00DB\u00DC\u00DE\u00DF\u00E4-\u00E7\u00EB\u00EE-\u00F1\u00F6-\u00F8\u00FB\u00FC\u00FE\u00FF]/;

/**
 * VNI writes a toned or hatted vowel as the base vowel followed by a mark byte that reads as a Latin-1 letter:
 * "Nguyeãn" (Nguyễn), "Traàn" (Trần), "Maõ" (Mã). In Unicode Vietnamese a vowel followed by such a letter only
 * occurs in the glides oa/oe (hoà, khoẻ), u after q or in uâ/uê/uô/uy (quá, quân, thuý), iê/yê (tiên, yên) and after
 * the consonant "gi" (già, giúp). Any other vowel + Latin-1 vowel pair is the VNI font.
 */
/** VNI mark bytes that read as letters Unicode Vietnamese also uses (the others are in LEGACY_FONT_CHARS). */
const VNI_MARKS = 'àáâãèéêõùú';
const PAIR_OK: Record<string, string> = { o: 'àáãèé', u: 'âêáàãèé', i: 'ê', y: 'ê' };
const VOWELS = 'aeiouyâêô';

function looksLikeVni(text: string): boolean {
  const s = text.toLowerCase();
  for (let i = 1; i < s.length; i++) {
    const cur = s[i]!;
    const prev = s[i - 1]!;
    if (!VNI_MARKS.includes(cur) || !VOWELS.includes(prev)) continue;
    if (PAIR_OK[prev]?.includes(cur)) continue;
    if (prev === 'i' && s[i - 2] === 'g') continue; // "gi" is a consonant: già, giá, giúp, giùm
    return true;
  }
  return false;
}

/** True when the text reads as Vietnamese typed in the TCVN3 (ABC) or VNI legacy fonts. */
export function isLegacyEncoded(text: string): boolean {
  return LEGACY_FONT_CHARS.test(text) || looksLikeVni(text.normalize('NFC'));
}

const LATIN = /\p{Script=Latin}/u;
const LOOK_ALIKE_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** A Cyrillic or Greek letter mixed with Latin letters ("Nguyеn" with a Cyrillic е). */
export function isMixedScript(text: string): boolean {
  return LATIN.test(text) && LOOK_ALIKE_SCRIPT.test(text);
}

const m = (vi: string, en: string): Message => ({ vi, en });

export const TEXT_MESSAGES: Record<TextProblemCode, Message> = {
  INVALID_CHARACTERS: m(
    'Có ký tự điều khiển, ký tự vô hình hoặc ký tự đảo chiều văn bản; hãy gõ lại nội dung này',
    'Contains control, invisible (zero-width) or text-direction characters; retype this text',
  ),
  MIXED_SCRIPT: m(
    'Có chữ Kirin (Nga) hoặc Hy Lạp trông giống chữ Latinh lẫn trong chữ tiếng Việt; hãy gõ lại bằng bàn phím tiếng Việt',
    'A Cyrillic or Greek look-alike letter is mixed with Latin letters; retype it with a Vietnamese keyboard',
  ),
  LEGACY_ENCODING: m(
    'Chữ được gõ bằng bảng mã cũ (TCVN3/VNI); hãy chuyển tệp sang Unicode (ví dụ bằng Unikey) rồi nhập lại',
    'Text typed in a legacy Vietnamese encoding (TCVN3/VNI); convert the file to Unicode (e.g. with Unikey) and enter it again',
  ),
  HOUSEHOLD_CODE: m(
    'Mã hộ chỉ gồm chữ cái Latinh không dấu, chữ số và - / . (tối đa 40 ký tự)',
    'Household code: Latin letters without accents, digits and - / . only (up to 40)',
  ),
};

const problem = (code: TextProblemCode): TextProblem => ({ code, message: TEXT_MESSAGES[code] });

/** Any text field: control (tab/newlines allowed), bidi, zero-width characters and lone surrogates are refused. */
export function plainTextProblem(text: string): TextProblem | null {
  if (CONTROL.test(text) || BIDI.test(text) || ZERO_WIDTH.test(text) || LONE_SURROGATE.test(text)) return problem('INVALID_CHARACTERS');
  return null;
}

/** Names, addresses, relations: plain-text rules, no look-alike scripts, no legacy fonts (white space is collapsed on save). */
export function identityTextProblem(text: string): TextProblem | null {
  const plain = plainTextProblem(text);
  if (plain) return plain;
  if (isMixedScript(text)) return problem('MIXED_SCRIPT');
  if (isLegacyEncoded(text)) return problem('LEGACY_ENCODING');
  return null;
}

/** Household codes as wards write them: ASCII letters, digits, '-', '/', '.' (e.g. "KP3-0123", "12/4"). */
export const HOUSEHOLD_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9\-/.]{0,39}$/;

export function householdCodeProblem(code: string): TextProblem | null {
  return plainTextProblem(code) ?? (HOUSEHOLD_CODE_PATTERN.test(code) ? null : problem('HOUSEHOLD_CODE'));
}
