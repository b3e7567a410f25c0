/**
 * Issue 9 item 5 — cross-ward access beyond the access matrix (test/api/access-matrix.test.ts): a ward officer tampers
 * with ids in paths, bodies and queries, searches and exports for other wards' households, polls another ward's
 * import, and imports rows that target other wards. Every attempt is counted; no answer may carry another ward's
 * data (names, codes, ids, addresses) unless the attacker typed it into that very request, and the database must not
 * change (households, assessments, users, totals, audit trail).
 */
import { expect } from 'chai';
import { startTestServer, WARDS, type TestServer } from '../support/server.ts';
import type { ApiClient, ApiResponse } from '../support/http.ts';
import { dbFingerprint } from '../support/access.ts';
import { col, surveyRows, uploadWorkbook, waitForImport, workbookBuffer } from '../support/workbooks.ts';
import { scanWorkbook } from '../support/faults-xlsx.ts';
import { FULL, figure } from '../support/faults.ts';
import { fold } from '../../server/domain/text.ts';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';

const HOME = '26767';
const VICTIM_WARDS = WARDS.filter((w) => w !== HOME).slice(0, FULL ? 10 : 3);
const IMPORT_ROWS = FULL ? 300 : 60;

interface Victim {
  id: string;
  ward: string;
  code: string;
  name: string;
  address: string;
  member: string;
}

describe('faults · item 5: cross-ward tampering', function () {
  this.timeout(FULL ? 900_000 : 300_000);
  let t: TestServer;
  let attacker: ApiClient;
  let own: { id: string };
  let victims: Victim[];
  let victimImport: string;
  let attempts = 0;
  const leaks: string[] = [];
  const writes: string[] = [];

  before(async function () {
    this.timeout(300_000);
    t = await startTestServer();
    const admin = await t.admin();
    attacker = await t.as('ward', HOME);
    victims = [];
    for (const [i, ward] of VICTIM_WARDS.entries()) {
      const v = { ward, code: `VS${i}-BIMAT`, name: `Phạm Thị Kínđáo ${String.fromCharCode(65 + i)}`, address: `${90 + i} Hẻm Riêngtư`, member: `Trần Văn Giấukín ${i}` };
      const res = await admin.post('/api/households', { wardCode: ward, householdCode: v.code, area: 'urban', headName: v.name, address: v.address, members: [{ name: v.member, birthYear: 1990, sex: 'male', hasHealthInsurance: true }] });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect((await admin.put(`/api/households/${res.body.id}/assessments/2017`, { income: { amount: 700_000, per: 'month' } })).status).to.equal(200);
      victims.push({ id: res.body.id, ...v });
    }
    own = (await attacker.post('/api/households', { wardCode: HOME, householdCode: 'OWN-1', area: 'urban', headName: 'Lê Văn Nhà' })).body;
    const officer = await t.as('ward', VICTIM_WARDS[0]);
    const up = await uploadWorkbook(officer, await workbookBuffer([{ name: 'Hộ', rows: surveyRows(2, { wards: [VICTIM_WARDS[0]!], codePrefix: 'VIMP' }) }]), 'phieu-bi-mat.xlsx');
    victimImport = up.body.id;
    expect((await waitForImport(officer, victimImport)).status).to.equal('validated');
  });
  after(async () => t?.close());

  /** The audit trail minus the events that record reading (exports, refusals, logins): the changes. */
  async function changeTrail(): Promise<string> {
    const [r] = await queryRows<{ fp: string }>(t.registry.deps.db, sql`select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) as fp from audit_events x
      where x.action not in ('access_denied', 'login', 'login_failed', 'logout', 'export')`);
    return r!.fp;
  }

  const markersOf = (v: Victim) => [v.id, v.code, v.name, fold(v.name), v.address, v.member, fold(v.member)];

  /** One attempt: the answer must not show another ward's data the request itself did not carry; writes must fail. */
  async function attempt(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    attempts++;
    const res = await attacker.request(method, path, body, headers);
    let text: string;
    if (Buffer.isBuffer(res.body) && res.status === 200 && (res.headers.get('content-type') ?? '').includes('spreadsheetml')) text = (await scanWorkbook(res.body)).texts.join('\n');
    else text = Buffer.isBuffer(res.body) ? res.body.toString('utf8') : JSON.stringify(res.body);
    const sent = decodeURIComponent(path) + JSON.stringify(body ?? '');
    for (const m of [...victims.flatMap(markersOf), victimImport, 'phieu-bi-mat']) {
      if (text.includes(m) && !sent.includes(m)) leaks.push(`${method} ${path}: ${m}`);
    }
    if (method !== 'GET' && res.status < 300) writes.push(`${method} ${path} → ${res.status}`);
    return res;
  }

  it(`tampering with ids in paths, bodies, queries, search, exports, imports and import rows: counted, no leak, no change`, async () => {
    const before: Record<string, string> = { ...(await dbFingerprint(t)), audit_events: await changeTrail() };
    const m = { 'if-match': '"1"' };
    for (const v of victims) {
      const q = (s: string) => encodeURIComponent(s);
      // Paths
      for (const id of [v.id, v.id.toUpperCase(), ` ${v.id}`, `${v.id}/`, `${v.id}?ward=${HOME}`]) {
        await attempt('GET', `/api/households/${id}`);
        await attempt('GET', `/api/households/${id}/history`);
      }
      await attempt('PATCH', `/api/households/${v.id}`, { address: 'Đã bị sửa' }, m);
      await attempt('PATCH', `/api/households/${v.id}`, { headName: 'Đã bị sửa' }, { 'if-match': '*' });
      await attempt('DELETE', `/api/households/${v.id}`, { reason: 'moved' }, m);
      await attempt('POST', `/api/households/${v.id}/restore`, undefined, m);
      await attempt('PUT', `/api/households/${v.id}/assessments/2017`, { income: { amount: 1, per: 'month' } });
      await attempt('PUT', `/api/households/${v.id}/assessments/2018`, { income: { amount: 1, per: 'month' } });
      // Bodies
      await attempt('PATCH', `/api/households/${own.id}`, { wardCode: v.ward }, m);
      await attempt('PATCH', `/api/households/${own.id}`, { id: v.id }, m);
      await attempt('POST', '/api/households', { wardCode: v.ward, householdCode: `X-${v.code}`, area: 'urban', headName: 'Kẻ Lạ' });
      await attempt('POST', '/api/households', { wardCode: v.ward, householdCode: v.code, area: 'urban', headName: 'Kẻ Lạ' });
      await attempt('POST', '/api/households', { wardCode: HOME, id: v.id, householdCode: 'X-2', area: 'urban', headName: 'Kẻ Lạ' });
      await attempt('PUT', `/api/units/${v.ward}/totals/2017`, { households: 1 });
      // Queries and search
      for (const query of [`ward=${v.ward}`, `ward=${v.ward}&status=all`, `ward=${v.ward}&status=archived`, `ward=${v.ward}&round=2017`, `ward=${HOME}&ward=${v.ward}`,
        `q=${q(v.code)}`, `q=${q(v.name)}`, `q=${q(fold(v.name))}`, `q=${q(v.name.normalize('NFD'))}`, `q=${q(v.address)}`, `q=${q(v.member)}`, `q=${q(v.id)}`, `q=${q(v.code)}&status=all`]) {
        await attempt('GET', `/api/households?${query}`);
      }
      await attempt('GET', `/api/audit?entity=household&id=${v.id}`);
      await attempt('GET', `/api/audit?entity=assessment&id=${v.id}`);
      // Exports
      for (const query of [`ward=${v.ward}`, `q=${q(v.code)}`, `q=${q(fold(v.name))}`, `ward=${v.ward}&round=2017&status=all`]) await attempt('GET', `/api/households.xlsx?${query}`);
    }
    for (const query of ['round=2017', 'round=2017&ward=' + VICTIM_WARDS[0]]) await attempt('GET', `/api/units/totals?${query}`);
    await attempt('GET', '/api/reports/rates?round=2017');
    await attempt('GET', '/api/reports/rates.xlsx?round=2017');
    await attempt('GET', '/api/households.xlsx');
    await attempt('GET', '/api/households?pageSize=200&status=all');
    // Another ward's import
    await attempt('GET', `/api/imports/${victimImport}`);
    await attempt('GET', `/api/imports/${victimImport}/annotated.xlsx`);
    await attempt('POST', `/api/imports/${victimImport}/commit`, { skipInvalid: true });
    await attempt('GET', '/api/imports?pageSize=200');
    await attempt('GET', '/api/audit?entity=import&pageSize=500');

    // Import rows aimed at other wards: new codes and the victims' own codes.
    const rows = surveyRows(IMPORT_ROWS, { wards: VICTIM_WARDS, codePrefix: 'ATK' });
    victims.forEach((v, i) => {
      rows[i + 1]![col('Mã phường')] = v.ward;
      rows[i + 1]![col('Mã hộ')] = v.code;
    });
    attempts += IMPORT_ROWS;
    const up = await uploadWorkbook(attacker, await workbookBuffer([{ name: 'Hộ', rows }]));
    expect(up.status).to.equal(202);
    const dry = await waitForImport(attacker, up.body.id);
    expect(dry.status, JSON.stringify(dry.failure)).to.equal('validated');
    const refusedRows = dry.summary.invalid;
    const rowCodes = [...new Set((dry.errors as { code: string }[]).map((e) => e.code))].join(', ');
    const commit = await attacker.post(`/api/imports/${up.body.id}/commit`, { skipInvalid: true });
    const done = commit.status === 202 ? await waitForImport(attacker, up.body.id) : null;

    const after: Record<string, string> = { ...(await dbFingerprint(t)), audit_events: await changeTrail() };
    const keys = ['households', 'assessments', 'users', 'ward_totals', 'criteria_sets', 'audit_events'] as const;
    const changed = keys.filter((k) => before[k] !== after[k]);
    figure(5, 'cross-ward tampering (ids in paths, bodies, queries, search, exports, imports, import rows)',
      `${attempts} attempts against ${victims.length} other wards (+ the access matrix of test/api/access-matrix.test.ts); ${leaks.length} leaks; ${writes.length} accepted writes; ` +
      `${refusedRows}/${IMPORT_ROWS} import rows refused (${rowCodes}), commit of the rest ${done?.status ?? commit.status}; database tables changed: ${changed.length ? changed.join(', ') : 'none'}`);
    expect(leaks, 'leaks').to.deep.equal([]);
    expect(writes, 'accepted writes').to.deep.equal([]);
    expect(refusedRows).to.equal(IMPORT_ROWS);
    expect(changed, 'tables changed').to.deep.equal([]);
    if (FULL) expect(attempts).to.be.at.least(500);
  });
});
