/**
 * Formula injection guard for every text cell we write into a workbook (exports, annotated imports, templates).
 * A text that begins with = + - @ tab or CR could be run as a formula by a spreadsheet program once a user edits
 * the cell or saves as CSV. We write it with a leading apostrophe, the spreadsheet convention for "this is text";
 * the importer removes exactly that apostrophe again, so an export re-imports unchanged.
 */
const DANGEROUS_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(text: string): string {
  return DANGEROUS_START.test(text) ? `'${text}` : text;
}

/** Inverse of neutraliseFormula, applied by the importer to text cells. */
export function restoreNeutralised(text: string): string {
  return text.length > 1 && text[0] === "'" && DANGEROUS_START.test(text.slice(1)) ? text.slice(1) : text;
}
