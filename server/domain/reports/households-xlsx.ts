/**
 * households.xlsx: one row per household with its classification, and a members sheet. Streamed page by page
 * (exceljs WorkbookWriter) so a 100k-household district never sits in memory; ID numbers are text cells (leading
 * zeros survive, no 1.2E+11), and every text goes through neutraliseFormula() (no formula runs when opened).
 * The two sheets are written one after the other (a zip entry cannot be interleaved), each from its own pass.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { neutraliseFormula } from '../xlsx-text.ts';
import type { ExportHousehold, ExportPage } from './repository.ts';

export const HOUSEHOLD_COLUMNS = [
  { header: 'Mã phường', key: 'wardCode', width: 10 },
  { header: 'Phường', key: 'wardName', width: 22 },
  { header: 'Mã hộ', key: 'householdCode', width: 14 },
  { header: 'Họ tên chủ hộ', key: 'headName', width: 24 },
  { header: 'Số CCCD/CMND chủ hộ', key: 'headIdNumber', width: 16 },
  { header: 'Địa chỉ', key: 'address', width: 30 },
  { header: 'Khu vực', key: 'area', width: 11 },
  { header: 'Số nhân khẩu', key: 'memberCount', width: 8 },
  { header: 'Trạng thái', key: 'status', width: 10 },
  { header: 'Lý do lưu trữ', key: 'archivedReason', width: 12 },
  { header: 'Năm rà soát', key: 'round', width: 8 },
  { header: 'Phân loại (chuẩn TP.HCM)', key: 'cityCategory', width: 16 },
  { header: 'Phân loại (chuẩn quốc gia)', key: 'nationalCategory', width: 16 },
  { header: 'Thu nhập bình quân (đồng/người)', key: 'incomeAmount', width: 14 },
  { header: 'Kỳ thu nhập', key: 'incomePer', width: 8 },
  { header: 'Số chỉ số thiếu hụt', key: 'deprivationCount', width: 8 },
  { header: 'Các chỉ số thiếu hụt', key: 'deprivations', width: 30 },
] as const;

export const MEMBER_COLUMNS = [
  { header: 'Mã phường', key: 'wardCode', width: 10 },
  { header: 'Mã hộ', key: 'householdCode', width: 14 },
  { header: 'Họ tên', key: 'name', width: 24 },
  { header: 'Năm sinh', key: 'birthYear', width: 8 },
  { header: 'Giới tính', key: 'sex', width: 8 },
  { header: 'Quan hệ với chủ hộ', key: 'relation', width: 14 },
  { header: 'Số CCCD/CMND', key: 'idNumber', width: 16 },
  { header: 'Có thẻ BHYT', key: 'hasHealthInsurance', width: 8 },
  { header: 'Đang đi học', key: 'inSchool', width: 8 },
] as const;

const CATEGORY_VI: Record<string, string> = { poor: 'Hộ nghèo', near_poor: 'Hộ cận nghèo', average: 'Hộ có mức sống trung bình', not_poor: 'Không nghèo' };
const AREA_VI: Record<string, string> = { urban: 'Thành thị', rural: 'Nông thôn' };
const STATUS_VI: Record<string, string> = { active: 'Đang quản lý', archived: 'Đã lưu trữ' };
const SEX_VI: Record<string, string> = { male: 'Nam', female: 'Nữ' };
const INCOME_PER_VI: Record<string, string> = { month: 'tháng', year: 'năm' };
const yesNo = (v: unknown) => (v === true ? 'Có' : v === false ? 'Không' : '');

const text = (v: string | null | undefined) => (v === null || v === undefined ? null : neutraliseFormula(v));
const label = (map: Record<string, string>, v: string | null | undefined) => text(v ? (map[v] ?? v) : null);

interface MemberLike {
  name?: string;
  birthYear?: number;
  sex?: string;
  relation?: string;
  idNumber?: string | null;
  hasHealthInsurance?: boolean;
  inSchool?: boolean;
}
const membersOf = (h: ExportHousehold): MemberLike[] => (Array.isArray(h.members) ? (h.members as MemberLike[]) : []);

function householdRow(h: ExportHousehold, wardName: string): Record<string, unknown> {
  const a = h.assessment;
  return {
    wardCode: text(h.wardCode),
    wardName: text(wardName),
    householdCode: text(h.householdCode),
    headName: text(h.headName),
    headIdNumber: text(h.headIdNumber),
    address: text(h.address),
    area: label(AREA_VI, h.area),
    memberCount: membersOf(h).length,
    status: label(STATUS_VI, h.status),
    archivedReason: text(h.archivedReason),
    round: a?.round ?? null,
    cityCategory: label(CATEGORY_VI, a?.cityCategory),
    nationalCategory: label(CATEGORY_VI, a?.nationalCategory),
    incomeAmount: a?.incomeAmount ?? null,
    incomePer: label(INCOME_PER_VI, a?.incomePer),
    deprivationCount: a ? a.deprivations.length : null,
    deprivations: a ? text(a.deprivations.join(', ')) : null,
  };
}

/** Loads one page of one ward (the caller binds the filters and the scope). */
export type PageSource = (page: Omit<ExportPage, 'limit' | 'round'>) => Promise<ExportHousehold[]>;

function addSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: readonly { header: string; key: string; width: number }[], textKeys: string[]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }], pageSetup: { paperSize: 9, orientation: 'landscape', printTitlesRow: '1:1' } });
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width, style: textKeys.includes(c.key) ? { numFmt: '@' } : {} }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

/**
 * Streams both sheets, ward by ward and page by page; `pages` is called again for the members pass (which skips
 * the assessment). Waits for the output to drain between pages, so a slow client slows the reads instead of
 * filling memory. Returns the number of households written.
 */
export async function writeHouseholdsWorkbook(wards: { code: string; name: string }[], pages: PageSource, out: Writable): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const each = async (withAssessment: boolean, fn: (h: ExportHousehold, wardName: string) => void) => {
    for (const ward of wards) {
      let after: string | null = null;
      for (;;) {
        const page = await pages({ wardCode: ward.code, after, withAssessment });
        if (page.length === 0) break;
        for (const h of page) fn(h, ward.name);
        after = page[page.length - 1]!.householdCode;
        if (out.writableNeedDrain) await once(out, 'drain');
      }
    }
  };

  const hs = addSheet(wb, 'Hộ gia đình', HOUSEHOLD_COLUMNS, ['headIdNumber', 'householdCode', 'wardCode']);
  let count = 0;
  await each(true, (h, wardName) => {
    hs.addRow(householdRow(h, wardName)).commit();
    count++;
  });
  hs.commit();

  const ms = addSheet(wb, 'Thành viên', MEMBER_COLUMNS, ['idNumber', 'householdCode', 'wardCode']);
  await each(false, (h) => {
    for (const m of membersOf(h)) {
      ms.addRow({
        wardCode: text(h.wardCode),
        householdCode: text(h.householdCode),
        name: text(m.name),
        birthYear: m.birthYear ?? null,
        sex: label(SEX_VI, m.sex),
        relation: text(m.relation),
        idNumber: text(m.idNumber),
        hasHealthInsurance: yesNo(m.hasHealthInsurance),
        inSchool: yesNo(m.inSchool),
      }).commit();
    }
  });
  ms.commit();
  await wb.commit();
  return count;
}
