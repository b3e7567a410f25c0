/**
 * The 54 ethnic groups of Viet Nam (official list and numbering of the General Statistics Office, Decision
 * 121-TCTK/PPCĐ of 2 March 1979). A household records the group of its head; every group but Kinh is an ethnic
 * minority (dân tộc thiểu số, DTTS), counted separately in the review's summary form (domain.md §5).
 */
import { fold } from '../text.ts';

export interface EthnicGroup {
  code: string;
  number: number;
  vi: string;
}

const NAMES = [
  'Kinh', 'Tày', 'Thái', 'Hoa', 'Khmer', 'Mường', 'Nùng', 'Mông', 'Dao', 'Gia Rai', 'Ngái', 'Ê Đê', 'Ba Na', 'Xơ Đăng',
  'Sán Chay', 'Cơ Ho', 'Chăm', 'Sán Dìu', 'Hrê', 'Mnông', 'Raglai', 'Xtiêng', 'Bru-Vân Kiều', 'Thổ', 'Giáy', 'Cơ Tu',
  'Giẻ Triêng', 'Mạ', 'Khơ Mú', 'Co', 'Tà Ôi', 'Chơ Ro', 'Kháng', 'Xinh Mun', 'Hà Nhì', 'Chu Ru', 'Lào', 'La Chí',
  'La Ha', 'Phù Lá', 'La Hủ', 'Lự', 'Lô Lô', 'Chứt', 'Mảng', 'Pà Thẻn', 'Cờ Lao', 'Cống', 'Bố Y', 'Si La', 'Pu Péo',
  'Brâu', 'Ơ Đu', 'Rơ Măm',
];

const slug = (name: string) => fold(name).replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

export const ETHNIC_GROUPS: readonly EthnicGroup[] = NAMES.map((vi, i) => ({ code: slug(vi), number: i + 1, vi }));
export const ETHNIC_CODES: readonly string[] = ETHNIC_GROUPS.map((g) => g.code);
export const MAJORITY_GROUP = 'kinh';

/** A group by code, number ("05"), or name as people write it ("Khơ-me", "hoa", "H'Mông"), or null. */
export function resolveEthnicGroup(text: string): EthnicGroup | null {
  const raw = text.trim();
  if (/^\d{1,2}$/.test(raw)) return ETHNIC_GROUPS[Number(raw) - 1] ?? null;
  const key = slug(raw).replace(/_/g, '');
  const aliases: Record<string, string> = { khome: 'khmer', hmong: 'mong', ede: 'e_de', bana: 'ba_na', giarai: 'gia_rai', jrai: 'gia_rai', xodang: 'xo_dang', coho: 'co_ho', brauvankieu: 'bru_van_kieu', vankieu: 'bru_van_kieu', khomu: 'kho_mu', taoi: 'ta_oi', choro: 'cho_ro', xinhmun: 'xinh_mun', hanhi: 'ha_nhi', churu: 'chu_ru', lachi: 'la_chi', laha: 'la_ha', phula: 'phu_la', lahu: 'la_hu', lolo: 'lo_lo', pathen: 'pa_then', colao: 'co_lao', boy: 'bo_y', sila: 'si_la', pupeo: 'pu_peo', odu: 'o_du', romam: 'ro_mam', sanchay: 'san_chay', sandiu: 'san_diu', cotu: 'co_tu', gietrieng: 'gie_trieng', mnong: 'mnong', raglai: 'raglai', xtieng: 'xtieng' };
  const code = aliases[key] ?? ETHNIC_CODES.find((c) => c.replace(/_/g, '') === key);
  return code ? (ETHNIC_GROUPS.find((g) => g.code === code) ?? null) : null;
}

export const isMinority = (code: string | null | undefined) => (code ?? MAJORITY_GROUP) !== MAJORITY_GROUP;
