/**
 * Text normalisation shared by search, import header matching and choice values.
 * Vietnamese text arrives in NFC or NFD (macOS, some keyboards); we store NFC and compare folded forms.
 */

/** Trims, collapses inner white space and normalises to Unicode NFC (how names and addresses are stored). */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * Lower-case, diacritics-free, đ→d, white space collapsed: "Nguyễn Văn A" and "nguyen van a" fold the same.
 * Used for accent-insensitive search and tolerant matching.
 */
export function fold(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** fold() and then drop everything but letters and digits: for header names ("Mã hộ", "ma_ho", "MA HO" → "maho"). */
export function foldKey(value: string): string {
  return fold(value).replace(/[^a-z0-9]/g, '');
}
