/**
 * The access-matrix engine: rows are data (endpoint, method, what it targets, which policy applies), expanded into
 * one case per caller × target. Every case asserts the status; every refusal also asserts that the database did
 * not change (dbFingerprint) and that a 403 was recorded as an `access_denied` audit event.
 */
import { expect } from 'chai';
import type { ApiClient, ApiResponse } from './http.ts';
import type { TestServer } from './server.ts';
import { countAudit, dbFingerprint } from './access.ts';

/** Who calls: the ward users belong to OWN_WARD and OTHER_WARD respectively. */
export const SUBJECTS = ['admin', 'district', 'ward-own', 'ward-other', 'anonymous'] as const;
export type Subject = (typeof SUBJECTS)[number];
/** What is targeted: a record in OWN_WARD, one in OTHER_WARD, or an id that does not exist. */
export const TARGETS = ['own-ward', 'other-ward', 'missing'] as const;
export type Target = (typeof TARGETS)[number];
export const OWN_WARD = '26764';
export const OTHER_WARD = '26767';
export const MISSING_WARD = '99999';

/**
 * public: anyone; any-user: every signed-in role; admin / district: that role and above (others 403);
 * scoped: every role, but a ward user only inside its ward (404 outside, never 403, so existence is not revealed).
 */
export type Policy = 'public' | 'any-user' | 'admin' | 'district' | 'scoped';
export type TargetKind = 'none' | 'ward' | 'user' | 'household' | 'import';

export interface CaseInfo {
  subject: Subject;
  target: Target | null;
  /** The resolved target: a ward code, username or household id. */
  id: string;
  /** Ward of the target (OWN_WARD, OTHER_WARD or MISSING_WARD). */
  ward: string;
  /** Unique per case, for usernames and codes. */
  n: number;
}

export interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `{id}` is replaced by the target. */
  path: string;
  target: TargetKind;
  policy: Policy;
  /** Status of an allowed call (default 200; e.g. 201, or 400 when the body is deliberately invalid). */
  ok?: number;
  body?: (c: CaseInfo) => unknown;
  headers?: (c: CaseInfo) => Record<string, string>;
  /** The call changes its target: allowed calls get a freshly made target so cases stay independent. */
  fresh?: boolean;
  /** Exceptions to the policy, e.g. { admin: { missing: 400 } }. */
  except?: Partial<Record<Subject, Partial<Record<Target | 'none', number>>>>;
  /** Extra assertions on an allowed call's response; also waits for work the call started in the background. */
  check?: (res: ApiResponse, c: CaseInfo, fx: MatrixFixtures) => unknown;
  note?: string;
}

export function expectedStatus(row: Row, subject: Subject, target: Target | null): number {
  const override = row.except?.[subject]?.[target ?? 'none'];
  if (override !== undefined) return override;
  const ok = row.ok ?? 200;
  if (row.policy === 'public') return ok;
  if (subject === 'anonymous') return 401;
  const isWard = subject === 'ward-own' || subject === 'ward-other';
  if (row.policy === 'admin' && subject !== 'admin') return 403;
  if (row.policy === 'district' && isWard) return 403;
  if (target === 'missing' && row.policy !== 'any-user') return 404;
  if (row.policy === 'scoped' && isWard && target !== null) {
    const home: Target = subject === 'ward-own' ? 'own-ward' : 'other-ward';
    return target === home ? ok : 404;
  }
  return ok;
}

export interface MatrixFixtures {
  t: TestServer;
  clients: Record<Subject, ApiClient>;
  /** Long-lived targets per kind, used by refusals and by calls that change nothing. */
  targets: Record<Exclude<TargetKind, 'none'>, Record<Target, string>>;
  /** Makes a new target of this kind in this ward (for allowed calls that change their target). */
  fresh: Partial<Record<Exclude<TargetKind, 'none'>, (ward: string, n: number) => Promise<string>>>;
}

const WARD_OF: Record<Target, string> = { 'own-ward': OWN_WARD, 'other-ward': OTHER_WARD, missing: MISSING_WARD };
let counter = 0;

export function caseName(row: Row, subject: Subject, target: Target | null): string {
  return `${row.method} ${row.path}${row.note ? ` (${row.note})` : ''} · ${subject}${target ? ` → ${target}` : ''} ⇒ ${expectedStatus(row, subject, target)}`;
}

/** Whether the route exists at all: an anonymous call (never a side effect) to an unmounted route is ROUTE_NOT_FOUND. */
export async function routeMounted(fx: MatrixFixtures, row: Row): Promise<boolean> {
  const path = row.path.replace('{id}', row.target === 'household' || row.target === 'import' ? '00000000-0000-4000-8000-000000000000' : 'probe');
  const res = await fx.clients.anonymous.request(row.method, path, row.method === 'GET' ? undefined : {});
  return !(res.status === 404 && res.body?.error?.code === 'ROUTE_NOT_FOUND');
}

export async function runCase(fx: MatrixFixtures, row: Row, subject: Subject, target: Target | null): Promise<void> {
  const status = expectedStatus(row, subject, target);
  const refusal = status >= 400;
  const ward = target ? WARD_OF[target] : OWN_WARD;
  const n = ++counter;
  let id = '';
  if (row.target !== 'none' && target) {
    const makeFresh = fx.fresh[row.target];
    id = !refusal && row.fresh && target !== 'missing' && makeFresh ? await makeFresh(ward, n) : fx.targets[row.target][target];
  }
  const c: CaseInfo = { subject, target, id, ward, n };
  const path = row.path.replace('{id}', encodeURIComponent(id));
  const before = refusal ? await dbFingerprint(fx.t) : null;
  const denied = refusal ? await countAudit(fx.t, 'access_denied') : 0;
  const res = await fx.clients[subject].request(row.method, path, row.body?.(c), row.headers?.(c) ?? {});
  const label = `${row.method} ${path} as ${subject}: ${JSON.stringify(res.body).slice(0, 300)}`;
  expect(res.status, label).to.equal(status);
  if (refusal) {
    const code = res.body?.error?.code;
    expect(code, label).to.be.a('string');
    if (status === 401) expect(code).to.equal('UNAUTHENTICATED');
    if (status === 404) expect(code, label).to.equal('NOT_FOUND');
    if (status === 403) expect(code).to.equal('FORBIDDEN');
    expect(await dbFingerprint(fx.t), `database changed on refusal: ${label}`).to.deep.equal(before);
    expect(await countAudit(fx.t, 'access_denied'), 'access_denied audit').to.equal(denied + (status === 403 ? 1 : 0));
  } else {
    await row.check?.(res, c, fx);
  }
}
