/**
 * households.xlsx: one row per household with its classification, and a members sheet. The sheets, headers and
 * cell values are those of the survey import (server/domain/imports/columns.ts: "Hộ" and "Nhân khẩu", one column
 * per indicator marked "x"), so an exported round re-imports unchanged; the classification and status columns are
 * extra and ignored by the importer. Streamed page by page (exceljs WorkbookWriter) so a 100k-household district
 * never sits in memory; ID numbers and codes are text cells, and every text goes through neutraliseFormula().
 * The two sheets are written one after the other (zip entries cannot be interleaved), each from its own pass.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { givenDeprivations } from '../assessments/rules.ts';
import { HOUSEHOLD_COLUMNS as IMPORT_HOUSEHOLD, HOUSEHOLD_SHEET_NAME, MEMBER_COLUMNS as IMPORT_MEMBER, MEMBER_SHEET_NAME, type IndicatorColumn } from '../imports/columns.ts';
import { neutraliseFormula } from '../xlsx-text.ts';
import type { ExportHousehold, ExportPage } from './repository.ts';

const CATEGORY_VI: Record<string, string> = { poor: 'Hộ nghèo', near_poor: 'Hộ cận nghèo', average: 'Hộ có mức sống trung bình', not_poor: 'Không nghèo' };
const AREA_VI: Record<string, string> = { urban: 'Thành thị', rural: 'Nông thôn' };
const STATUS_VI: Record<string, string> = { active: 'Đang quản lý', archived: 'Đã lưu trữ' };
const SEX_VI: Record<string, string> = { male: 'Nam', female: 'Nữ' };
const yesNo = (v: unknown) => (v === true ? 'Có' : v === false ? 'Không' : null);

/** Export-only columns after the import's (the importer ignores headers it does not know). */
const EXTRA_COLUMNS = [
  { key: 'status', header: 'Trạng thái' },
  { key: 'archivedReason', header: 'Lý do lưu trữ' },
  { key: 'cityCategory', header: 'Phân loại (chuẩn TP.HCM)' },
  { key: 'nationalCategory', header: 'Phân loại (chuẩn quốc gia)' },
  { key: 'deprivationCount', header: 'Số chỉ số thiếu hụt' },
];
const TEXT_KEYS = new Set(['ward_code', 'household_code', 'head_id_number', 'id_number']);
const WIDTHS: Record<string, number> = { ward_name: 20, head_name: 24, address: 30, head_id_number: 16, id_number: 16, name: 24 };

const text = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? null : neutraliseFormula(v));
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

function householdRow(h: ExportHousehold, wardName: string, indicators: IndicatorColumn[]): Record<string, unknown> {
  const a = h.assessment;
  const facts = (a?.facts ?? {}) as { membersCount?: number; floorArea?: number };
  // The flags the survey gave: derived ones are derived again from the facts on import (assessments/rules.ts).
  const given = new Set(a ? givenDeprivations(a) : []);
  const row: Record<string, unknown> = {
    ward_code: text(h.wardCode),
    ward_name: text(wardName),
    household_code: text(h.householdCode),
    head_name: text(h.headName),
    head_id_number: text(h.headIdNumber),
    address: text(h.address),
    area: label(AREA_VI, h.area),
    members_count: facts.membersCount ?? membersOf(h).length,
    round: a?.round ?? null,
    income_month: a?.incomePer === 'month' ? a.incomeAmount : null,
    income_year: a?.incomePer === 'year' ? a.incomeAmount : null,
    floor_area: facts.floorArea ?? null,
    survey_date: text(a?.surveyedAt),
    surveyor: text(a?.surveyor),
    status: label(STATUS_VI, h.status),
    archivedReason: text(h.archivedReason),
    cityCategory: label(CATEGORY_VI, a?.cityCategory),
    nationalCategory: label(CATEGORY_VI, a?.nationalCategory),
    deprivationCount: a ? a.deprivations.length : null,
  };
  for (const i of indicators) row[`ind:${i.code}`] = given.has(i.code) ? 'x' : null;
  return row;
}

/** Loads one page of one ward (the caller binds the filters and the scope). */
export type PageSource = (page: Omit<ExportPage, 'limit' | 'round'>) => Promise<ExportHousehold[]>;

function addSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: { key: string; header: string }[]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }], pageSetup: { paperSize: 9, orientation: 'landscape', printTitlesRow: '1:1' } });
  ws.columns = columns.map((c) => ({
    header: neutraliseFormula(c.header),
    key: c.key,
    width: WIDTHS[c.key] ?? Math.min(18, Math.max(9, c.header.length * 0.6)),
    style: TEXT_KEYS.has(c.key) ? { numFmt: '@' } : {},
  }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

/**
 * Streams both sheets, ward by ward and page by page; `pages` is called again for the members pass (which skips
 * the assessment). Waits for the output to drain between pages, so a slow client slows the reads instead of
 * filling memory. Returns the number of households written.
 */
export async function writeHouseholdsWorkbook(wards: { code: string; name: string }[], indicators: IndicatorColumn[], pages: PageSource, out: Writable): Promise<number> {
  // exceljs is loaded on first use: it is the largest module of the API process (~5 % of its start-up, 18 MiB; issue 14).
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
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

  const householdColumns = [
    ...IMPORT_HOUSEHOLD.map((c) => ({ key: c.key, header: c.label })),
    ...indicators.map((i) => ({ key: `ind:${i.code}`, header: i.vi })),
    ...EXTRA_COLUMNS,
  ];
  const hs = addSheet(wb, HOUSEHOLD_SHEET_NAME, householdColumns);
  let count = 0;
  await each(true, (h, wardName) => {
    hs.addRow(householdRow(h, wardName, indicators)).commit();
    count++;
  });
  hs.commit();

  const ms = addSheet(wb, MEMBER_SHEET_NAME, IMPORT_MEMBER.map((c) => ({ key: c.key, header: c.label })));
  await each(false, (h) => {
    for (const m of membersOf(h)) {
      ms.addRow({
        ward_code: text(h.wardCode),
        household_code: text(h.householdCode),
        name: text(m.name),
        birth_year: m.birthYear ?? null,
        sex: label(SEX_VI, m.sex),
        relation: text(m.relation),
        id_number: text(m.idNumber),
        has_health_insurance: yesNo(m.hasHealthInsurance),
        in_school: yesNo(m.inSchool),
      }).commit();
    }
  });
  ms.commit();
  await wb.commit();
  return count;
}
