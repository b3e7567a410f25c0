/** API calls of the administration pages (users, ward totals, criteria sets, audit log). */
import { api, query, request } from './http.ts';
import type { AdminUser, AuditEntry, CriteriaSetFull, CriteriaUsage, Paged, Role, WardTotal } from './types.ts';

export const listUsers = (page = 1, pageSize = 200) => api.get<Paged<AdminUser>>(`/api/users${query({ page, pageSize })}`);

export interface NewUserInput {
  username: string;
  password: string;
  role: Role;
  wardCode: string | null;
}
export const createUser = (body: NewUserInput) => api.post<AdminUser>('/api/users', body);

export type UserPatch = Partial<{ role: Role; wardCode: string | null; disabled: boolean; password: string }>;
export const updateUser = (username: string, body: UserPatch) =>
  request<AdminUser>('PATCH', `/api/users/${encodeURIComponent(username)}`, { body }).then((r) => r.body);

export const listTotals = (round: number) => api.get<{ round: number; data: WardTotal[] }>(`/api/units/totals${query({ round })}`).then((r) => r.data);
export const setTotal = (wardCode: string, round: number, households: number) =>
  api.put<WardTotal>(`/api/units/${encodeURIComponent(wardCode)}/totals/${round}`, { households });

export function uploadTotalsSheet(round: number, file: File): Promise<{ round: number; created: number; updated: number; unchanged: number }> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api.post(`/api/units/totals/${round}/sheet`, form);
}

export const listCriteriaSets = () => api.get<Paged<CriteriaSetFull>>('/api/criteria').then((r) => r.data);
export const getCriteriaSet = (id: string, version?: number) => api.get<CriteriaSetFull>(`/api/criteria/${encodeURIComponent(id)}${query({ version })}`);
export const getCriteriaUsage = (id: string) => api.get<CriteriaUsage>(`/api/criteria/${encodeURIComponent(id)}/usage`);
export type NewVersionInput = Omit<CriteriaSetFull, 'id' | 'version' | 'versions' | 'createdAt' | 'createdBy'>;
export const createCriteriaVersion = (id: string, body: NewVersionInput) => api.post<CriteriaSetFull>(`/api/criteria/${encodeURIComponent(id)}/versions`, body);
export const reclassify = (id: string, round?: number) =>
  api.post<{ setId: string; version: number; rounds: number[]; assessments: number; changed: number }>(`/api/criteria/${encodeURIComponent(id)}/reclassify`, round ? { round } : {});

export interface AuditFilters {
  entity?: string;
  action?: string;
  ward?: string;
  user?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}
export const listAudit = (f: AuditFilters) => api.get<Paged<AuditEntry>>(`/api/audit${query({ ...f })}`);

export const getOpenApi = () => api.get<{ paths: Record<string, Record<string, unknown>> }>('/api/openapi.json');
