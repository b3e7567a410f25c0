/** One typed function per API call the pages make. Pages import these, never `fetch`. */
import { api, query, request, setCsrfToken } from './http.ts';
import type {
  Assessment,
  Category,
  CriteriaSet,
  DuplicateKind,
  DuplicatePair,
  Household,
  HouseholdListItem,
  ImportListItem,
  ImportStatus,
  Paged,
  RatesReport,
  RatesRow,
  RoundWard,
  Settings,
  UnreviewedHousehold,
  Standard,
  TrendPoint,
  User,
  WardCollection,
} from './types.ts';

export const getSettings = () => api.get<Settings>('/api/settings');
export const getWards = () => api.get<WardCollection>('/api/units');

export async function me(): Promise<User | null> {
  try {
    const r = await api.get<{ user: User; csrfToken: string | null }>('/api/auth/me', { quiet401: true });
    setCsrfToken(r.csrfToken);
    return r.user;
  } catch (err) {
    if ((err as { status?: number }).status === 401) return null;
    throw err;
  }
}

export async function login(username: string, password: string): Promise<User> {
  const r = await api.post<{ user: User; csrfToken: string }>('/api/auth/login', { username, password }, { quiet401: true });
  setCsrfToken(r.csrfToken);
  return r.user;
}

export async function logout(): Promise<void> {
  await api.post('/api/auth/logout', undefined, { quiet401: true }).catch(() => undefined);
  setCsrfToken(null);
}

export const changePassword = (currentPassword: string, newPassword: string) =>
  // A wrong current password may answer 401: stay on the page and show it instead of redirecting to login.
  api.post<unknown>('/api/auth/password', { currentPassword, newPassword }, { quiet401: true });

// ── Reports ─────────────────────────────────────────────────────────────────────────────────────────────────
type RatesBody = Partial<RatesReport> & { data?: RatesRow[]; wards?: RatesRow[] };

/** The report (`{ round, standard, district, rows, total }`); a body listing rows under `data` is accepted too. */
function normalizeRates(body: RatesBody, round: number, standard: Standard): RatesReport {
  return {
    round: body.round ?? round,
    from: body.from ?? null,
    standard: body.standard ?? standard,
    district: body.district,
    rows: body.rows ?? body.wards ?? body.data ?? [],
    total: body.total ?? null,
  };
}

/** The rates report of `round`, compared with `from` (an earlier round; the server's default is the previous one). */
export const getRates = (round: number, standard: Standard, from?: number) =>
  api.get<RatesBody>(`/api/reports/rates${query({ round, standard, from })}`).then((b) => normalizeRates(b, round, standard));

export async function getTrend(from: number, to: number, standard: Standard): Promise<TrendPoint[]> {
  const body = await api.get<{ data?: RatesBody[]; rounds?: RatesBody[] } | RatesBody[]>(`/api/reports/trend${query({ from, to, standard })}`);
  const points = Array.isArray(body) ? body : (body.rounds ?? body.data ?? []);
  return points.map((p) => normalizeRates(p, p.round ?? 0, standard));
}

// ── Households ──────────────────────────────────────────────────────────────────────────────────────────────
export interface HouseholdFilters {
  ward?: string;
  round?: number;
  standard?: Standard;
  category?: Category | '';
  q?: string;
  page?: number;
  pageSize?: number;
  status?: string;
  cursor?: string;
}
export const listHouseholds = (f: HouseholdFilters) => api.get<Paged<HouseholdListItem>>(`/api/households${query({ ...f })}`);

/** The household and its ETag (needed as If-Match by the next change). */
export async function getHousehold(id: string): Promise<{ household: Household; etag: string }> {
  const r = await request<Household>('GET', `/api/households/${encodeURIComponent(id)}`);
  return { household: r.body, etag: r.headers.get('etag') ?? `"${r.body.version}"` };
}

export type HouseholdInput = Pick<Household, 'wardCode' | 'householdCode' | 'address' | 'area' | 'headName' | 'headIdNumber' | 'members'> & { ethnicGroup?: string };

export const createHousehold = (body: Partial<HouseholdInput>) => api.post<Household>('/api/households', body);

export async function updateHousehold(id: string, etag: string, body: Partial<HouseholdInput>): Promise<{ household: Household; etag: string }> {
  const r = await request<Household>('PATCH', `/api/households/${encodeURIComponent(id)}`, { body, headers: { 'if-match': etag } });
  return { household: r.body, etag: r.headers.get('etag') ?? `"${r.body.version}"` };
}

export const archiveHousehold = (id: string, etag: string, reason: string, date?: string) =>
  request<Household>('DELETE', `/api/households/${encodeURIComponent(id)}`, { body: date ? { reason, date } : { reason }, headers: { 'if-match': etag } }).then((r) => r.body);

export const restoreHousehold = (id: string, etag: string) =>
  request<Household>('POST', `/api/households/${encodeURIComponent(id)}/restore`, { headers: { 'if-match': etag } }).then((r) => r.body);

export interface AssessmentInput {
  income: { amount: number; per: 'month' | 'year' };
  deprivations: string[];
  facts?: { floorArea?: number };
  surveyedAt?: string;
  surveyor?: string;
}
export const putAssessment = (id: string, round: number, body: AssessmentInput) =>
  api.put<Assessment>(`/api/households/${encodeURIComponent(id)}/assessments/${round}`, body);

export const getHistory = (id: string) => api.get<Record<string, unknown>>(`/api/households/${encodeURIComponent(id)}/history`);

export const getCriteria = () =>
  api.get<{ data: CriteriaSet[] } | CriteriaSet[]>('/api/criteria').then((r) => (Array.isArray(r) ? r : r.data));

// ── Rounds: the official record (issue 12) ─────────────────────────────────────────────────────────────────
const wardRound = (round: number, ward: string) => `/api/rounds/${round}/wards/${encodeURIComponent(ward)}`;
export const getRoundWards = (round: number) => api.get<Paged<RoundWard>>(`/api/rounds/${round}/wards`).then((r) => r.data);
export const getUnreviewed = (round: number, ward: string) => api.get<Paged<UnreviewedHousehold>>(`${wardRound(round, ward)}/unreviewed`).then((r) => r.data);
export const submitRound = (round: number, ward: string) => api.post<RoundWard>(`${wardRound(round, ward)}/submit`);
export const approveRound = (round: number, ward: string, body: { decisionNumber: string; decisionDate: string; signer?: string }) =>
  api.post<RoundWard>(`${wardRound(round, ward)}/approve`, body);
export const reopenRound = (round: number, ward: string, reason: string) => api.post<RoundWard>(`${wardRound(round, ward)}/reopen`, { reason });

// ── Imports ─────────────────────────────────────────────────────────────────────────────────────────────────
export function uploadImport(file: File): Promise<{ id: string }> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api.post<{ id: string }>('/api/imports', form);
}
export const getImport = (id: string) => api.get<ImportStatus>(`/api/imports/${encodeURIComponent(id)}`);
export const commitImport = (id: string, skipInvalid: boolean) => api.post<ImportStatus>(`/api/imports/${encodeURIComponent(id)}/commit`, { skipInvalid });
export const discardImport = (id: string) => request<ImportStatus>('DELETE', `/api/imports/${encodeURIComponent(id)}`).then((r) => r.body);
export const listImports = () => api.get<Paged<ImportListItem>>('/api/imports');

/** Download links: plain GETs carried by the session cookie, so the browser saves the file itself. */
export const downloads = {
  importTemplate: () => '/api/imports/template.xlsx',
  annotated: (id: string) => `/api/imports/${encodeURIComponent(id)}/annotated.xlsx`,
  ratesXlsx: (round: number, standard: Standard, from?: number) => `/api/reports/rates.xlsx${query({ round, standard, from })}`,
  householdsXlsx: (f: HouseholdFilters) => `/api/households.xlsx${query({ ...f, page: undefined, pageSize: undefined, cursor: undefined })}`,
};

// ── Duplicates (issue 17) ───────────────────────────────────────────────────────────────────────────────────
export const listDuplicates = (f: { kind: DuplicateKind; ward?: string; page?: number; pageSize?: number }) =>
  api.get<Paged<DuplicatePair>>(`/api/duplicates${query({ ...f })}`);

export const resolveDuplicate = (id: string, body: { resolution: 'not_duplicate' | 'merged'; keep?: string; note: string }) =>
  api.post<{ id: string; resolution: string }>(`/api/duplicates/${encodeURIComponent(id)}/resolve`, body);
