/**
 * Seeds a small district through the API as admin (no database shortcuts): households with an assessment per
 * round chosen to land in a given city-standard category, and total households per ward and round.
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { ApiClient } from '../support/http.ts';

export type SeedCategory = 'poor' | 'near_poor' | 'not_poor';

/**
 * Yearly income per person that lands in the category under the HCMC standard of the round (domain.md §3:
 * 21M/28M for 2016–2018, 28M/36M for 2019–2020), with no deprivation.
 */
export function cityIncome(category: SeedCategory, round: number): number {
  if (category === 'poor') return 15_000_000;
  if (category === 'near_poor') return round <= 2018 ? 25_000_000 : 33_000_000;
  return 80_000_000;
}

export interface SeedHousehold {
  wardCode: string;
  householdCode: string;
  headName: string;
  /** Category per round (rounds not listed get no assessment). */
  rounds: Record<number, SeedCategory>;
}

export async function ok<T = any>(p: Promise<{ status: number; body: T }>, what: string): Promise<T> {
  const r = await p;
  expect(r.status, `${what}: ${JSON.stringify(r.body).slice(0, 400)}`).to.be.oneOf([200, 201, 204]);
  return r.body;
}

export async function createHousehold(admin: ApiClient, s: SeedHousehold): Promise<string> {
  const body = await ok<{ id: string }>(
    admin.post('/api/households', {
      wardCode: s.wardCode,
      householdCode: s.householdCode,
      headName: s.headName,
      headIdNumber: null,
      address: `${s.householdCode} Đường Lê Văn Khương`,
      area: 'urban',
      members: [],
    }),
    `create ${s.householdCode}`,
  );
  for (const [round, category] of Object.entries(s.rounds)) {
    await ok(
      admin.put(`/api/households/${body.id}/assessments/${round}`, { income: { amount: cityIncome(category, Number(round)), per: 'year' }, deprivations: [] }),
      `assess ${s.householdCode} ${round}`,
    );
  }
  return body.id;
}

export async function setTotals(admin: ApiClient, wards: string[], rounds: number[], households: number): Promise<void> {
  for (const w of wards) for (const r of rounds) await ok(admin.put(`/api/units/${w}/totals/${r}`, { households }), `total ${w} ${r}`);
}

/**
 * A district where wards differ: ward i has (i mod 6) poor households and (i mod 3) near-poor in 2020, and a
 * different mix in 2019, out of 100 households per ward, so the rates span the map's classes (0–5 %).
 */
export async function seedDistrict(admin: ApiClient, wards: string[]): Promise<void> {
  await setTotals(admin, wards, [2018, 2019, 2020], 100);
  let n = 0;
  for (const [i, ward] of wards.entries()) {
    const poor2020 = i % 6;
    const near2020 = i % 3;
    const poor2019 = (i + 3) % 5;
    const size = Math.max(poor2020 + near2020, poor2019 + 1);
    for (let k = 0; k < size; k++) {
      const in2020: SeedCategory = k < poor2020 ? 'poor' : k < poor2020 + near2020 ? 'near_poor' : 'not_poor';
      const in2019: SeedCategory = k < poor2019 ? 'poor' : k === poor2019 ? 'near_poor' : 'not_poor';
      await createHousehold(admin, { wardCode: ward, householdCode: `H${String(++n).padStart(4, '0')}`, headName: `Nguyễn Văn ${n}`, rounds: { 2019: in2019, 2020: in2020 } });
    }
  }
}

/**
 * Sheet "Hộ" under a title row, Vietnamese headers plus one column per indicator (headed by its code, left blank:
 * not deprived); row 6 (Excel numbering) has words where the income goes.
 */
export async function surveyWorkbook(file: string, ward: string, indicatorCodes: string[]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Hộ');
  ws.addRow(['Phiếu rà soát hộ nghèo, cận nghèo năm 2020']);
  ws.addRow(['Mã phường', 'Mã hộ', 'Họ tên chủ hộ', 'Số CCCD/CMND', 'Địa chỉ', 'Khu vực', 'Số nhân khẩu', 'Năm rà soát', 'Thu nhập bình quân (đồng/người/năm)', ...indicatorCodes]);
  ws.addRow([ward, 'IMP-001', 'Võ Thị Hoa', '', '1 Đường Số 1', 'Thành thị', 3, 2020, 15000000]);
  ws.addRow([ward, 'IMP-002', 'Đỗ Văn Hùng', '', '2 Đường Số 1', 'Thành thị', 4, 2020, 33000000]);
  ws.addRow([ward, 'IMP-003', 'Huỳnh Thị Lan', '', '3 Đường Số 1', 'Thành thị', 2, 2020, 90000000]);
  ws.addRow([ward, 'IMP-004', 'Ngô Văn Tài', '', '4 Đường Số 1', 'Thành thị', 5, 2020, 'mười triệu']);
  ws.getColumn(4).numFmt = '@';
  await wb.xlsx.writeFile(file);
}
