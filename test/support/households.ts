/** Fixture helpers for household and assessment API tests (other areas may reuse them). */
import { expect } from 'chai';
import type { ApiClient, ApiResponse } from './http.ts';

let counter = 0;

export function householdBody(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    wardCode: '26764',
    householdCode: `HK-${process.pid}-${counter}`,
    address: `${counter} Đường Tô Ký`,
    area: 'urban',
    headName: 'Nguyễn Văn A',
    headIdNumber: '079123456789',
    members: [
      { name: 'Nguyễn Văn A', birthYear: 1970, sex: 'male', relation: 'chủ hộ', idNumber: '079123456789', hasHealthInsurance: true, inSchool: false },
      { name: 'Trần Thị B', birthYear: 1975, sex: 'female', relation: 'vợ', idNumber: null, hasHealthInsurance: true, inSchool: false },
    ],
    ...overrides,
  };
}

/** POST /api/households; asserts 201 and returns the created household. */
export async function createHousehold(client: ApiClient, overrides: Record<string, unknown> = {}): Promise<any> {
  const res = await client.post('/api/households', householdBody(overrides));
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body;
}

export function putAssessment(client: ApiClient, id: string, round: number, body: Record<string, unknown>): Promise<ApiResponse> {
  return client.put(`/api/households/${id}/assessments/${round}`, body);
}

/** An assessment body with income per month (default: no deprivations). */
export function income(amount: number, per: 'month' | 'year' = 'month', deprivations: string[] = [], extra: Record<string, unknown> = {}) {
  return { income: { amount, per }, deprivations, ...extra };
}
