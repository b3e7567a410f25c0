/**
 * Issue 13 — personal data stays protected (faults item 10, light variant; SHN_FAULTS=full runs more kinds and
 * addresses): nothing personal in the log, identity text refused as the API and import share it, the proxy chain
 * limited as one client, lockout resisted, cross-site cookie downloads refused, malformed requests answered 4xx.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import express from 'express';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import { ApiClient } from '../support/http.ts';
import { col, surveyRows, uploadWorkbook, waitForImport, workbookBuffer } from '../support/workbooks.ts';
import { FULL, figure } from '../support/faults.ts';
import { ConfigError, configFor } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { errorMiddleware } from '../../server/http/errors-middleware.ts';

const PLANTED_NAME = 'Phạm Thị Càiđặt';
const PLANTED_ID = '079187654321';

function captureLog(): { sink: Writable; text: () => string } {
  let log = '';
  return { sink: new Writable({ write: (chunk, _e, done) => ((log += chunk), done()) }), text: () => log };
}

describe('faults · item 10: data protection (API)', function () {
  this.timeout(FULL ? 600_000 : 180_000);
  let t: TestServer;
  let admin: ApiClient;
  const log = captureLog();
  before(async () => {
    t = await startTestServer({ env: { LOG_LEVEL: 'info', TRUST_PROXY: '1', LOGIN_RATE_LIMIT: '3' }, logSink: log.sink });
    admin = await t.admin();
  });
  after(async () => t?.close());

  it('failures carrying a planted name and ID number leave neither in the log; bad characters are 400 INVALID_CHARACTERS', async () => {
    const bad = ['\u0000', '\u200B', '\u202E', '\u0085', '\u0007', ...(FULL ? ['\u2066', '\uFEFF', '\u001B', '\u200D', '\u061C'] : [])];
    const answers: string[] = [];
    for (const ch of bad) {
      const name = PLANTED_NAME.replace('Cài', `Cài${ch}`);
      const res = await admin.post('/api/households', { wardCode: '26764', householdCode: `LOG-${answers.length}`, area: 'urban', headName: name, headIdNumber: PLANTED_ID, address: `12${ch} đường TX 25` });
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: any) => d.code)).to.include('INVALID_CHARACTERS');
      answers.push(`U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} ${res.status}`);
    }
    const created = await admin.post('/api/households', { wardCode: '26764', householdCode: 'LOG-OK', area: 'urban', headName: PLANTED_NAME, headIdNumber: PLANTED_ID });
    expect(created.status).to.equal(201);
    const member = { name: `${PLANTED_NAME}\u200B`, birthYear: 1980, sex: 'female', idNumber: PLANTED_ID, hasHealthInsurance: true };
    const patch = await admin.patch(`/api/households/${created.body.id}`, { members: [member] }, { 'if-match': created.headers.get('etag')! });
    expect(patch.status).to.equal(400);
    expect(patch.body.error.details[0]).to.include({ path: 'members.0.name', code: 'INVALID_CHARACTERS' });
    const search = await admin.get(`/api/households?q=${encodeURIComponent(PLANTED_NAME)}%00${PLANTED_ID}`);
    expect(search.status).to.equal(400);
    // An import whose names hide zero-width characters: refused on the row, nothing logged about it.
    const rows = surveyRows(3, { codePrefix: 'LG' });
    rows[1]![col('Họ tên chủ hộ')] = `${PLANTED_NAME}\u200B`;
    rows[1]![col('Số CCCD/CMND')] = PLANTED_ID;
    const up = await uploadWorkbook(admin, await workbookBuffer([{ name: 'Hộ', rows }]));
    const done = await waitForImport(admin, up.body.id);
    expect(done.errors.map((e: any) => e.code)).to.include('INVALID_CHARACTERS');

    // An unmapped database error (Drizzle's message lists every parameter) through the one error middleware.
    const direct = captureLog();
    const app = express();
    app.use((req, _res, next) => ((req as any).id = 'req-planted', next()));
    app.get('/boom', () => {
      const cause = Object.assign(new Error(`invalid input: ${PLANTED_NAME}`), { code: 'XX000', detail: PLANTED_ID });
      throw Object.assign(new Error(`Failed query: insert into households values ($1,$2)\nparams: ${PLANTED_NAME},${PLANTED_ID}`), { name: 'DrizzleQueryError', cause });
    });
    app.use(errorMiddleware(createLogger({ logLevel: 'info' }, direct.sink)));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const boom = await new ApiClient(`http://127.0.0.1:${(server.address() as any).port}`).get('/boom');
    server.close();
    expect(boom.status).to.equal(500);
    expect(direct.text()).to.contain('req-planted').and.to.contain('XX000');

    const all = log.text() + direct.text();
    expect(log.text()).to.contain('/api/households'); // the log is really captured
    const lines = all.split('\n').filter(Boolean).length;
    const leaks = [PLANTED_NAME, PLANTED_NAME.normalize('NFD'), 'Cài', PLANTED_ID].filter((s) => all.includes(s));
    figure(10, 'planted name + ID number, log scan', `${bad.length} control/bidi/zero-width characters → ${answers.map((a) => a.split(' ')[1]).every((s) => s === '400') ? 'all 400 INVALID_CHARACTERS' : answers.join(', ')}; PATCH members ${patch.status}; q=…%00 ${search.status}; import row INVALID_CHARACTERS; unmapped DB error ${boom.status}; ${lines} log lines scanned, ${leaks.length} leaks`);
    expect(leaks).to.deep.equal([]);
  });

  it('identity text: look-alike household codes and names, zero-width, TCVN3 and VNI are refused with their codes', async () => {
    const cases: [string, Record<string, string>, string, string][] = [
      ['Cyrillic А in a code', { householdCode: '\u0410-001' }, 'householdCode', 'HOUSEHOLD_CODE'],
      ['Vietnamese letter in a code', { householdCode: 'Đ-001' }, 'householdCode', 'HOUSEHOLD_CODE'],
      ['Cyrillic е in a name', { headName: 'Nguy\u0435n Văn An' }, 'headName', 'MIXED_SCRIPT'],
      ['Greek ο in an address', { address: 'Hẻm 12 Tô Ký, Tân Chánh Hiệp'.replace('Tô', 'T\u03bf') }, 'address', 'MIXED_SCRIPT'],
      ['VNI name', { headName: 'Nguyeãn Vaên An' }, 'headName', 'LEGACY_ENCODING'],
      ['VNI name of valid letters', { headName: 'Traàn Thò Bình' }, 'headName', 'LEGACY_ENCODING'],
      ['TCVN3 name', { headName: 'NguyÔn V¨n An' }, 'headName', 'LEGACY_ENCODING'],
      ['zero-width joiner in a name', { headName: 'Lê\u200DVăn' }, 'headName', 'INVALID_CHARACTERS'],
    ];
    const seen: string[] = [];
    for (const [label, change, path, code] of cases) {
      const res = await admin.post('/api/households', { wardCode: '26764', householdCode: `ID-${seen.length}`, area: 'urban', headName: 'Lê Văn Tám', ...change });
      expect(res.status, label).to.equal(400);
      expect(res.body.error.details.find((d: any) => d.path === path), label).to.include({ code });
      if (code === 'LEGACY_ENCODING') expect(res.body.error.details[0].message.vi).to.match(/Unicode/);
      seen.push(`${label} → ${code}`);
    }
    expect((await admin.post('/api/households', { wardCode: '26764', householdCode: 'A-001', area: 'urban', headName: 'Hoàng Thị Thuý', address: '12/3 Quốc lộ 1A, khu phố 2' })).status).to.equal(201);
    // A code registered before the ASCII rule ("ĐHT-00001" from an older demo) stays editable while unchanged.
    const legacy = await admin.post('/api/households', { wardCode: '26764', householdCode: 'LEGACY-1', area: 'urban', headName: 'Lê Văn Cũ' });
    await queryRows(t.registry.deps.db, sql`update households set household_code = 'ĐHT-00001' where id = ${legacy.body.id} returning id`);
    const kept = await admin.patch(`/api/households/${legacy.body.id}`, { householdCode: 'ĐHT-00001', headName: 'Lê Văn Mới' }, { 'if-match': '"1"' });
    expect(kept.status, JSON.stringify(kept.body)).to.equal(200);
    const renamed = await admin.patch(`/api/households/${legacy.body.id}`, { householdCode: 'ĐHT-00002' }, { 'if-match': '"2"' });
    expect(renamed.status).to.equal(400);
    expect(renamed.body.error.details[0]).to.include({ path: 'householdCode', code: 'HOUSEHOLD_CODE' });
    figure(10, 'identity text (API)', seen.join('; '));
  });

  it('TRUST_PROXY is a hop count or proxy list, never true; behind one proxy a spoofed X-Forwarded-For chain is one client', async () => {
    expect(() => configFor({ TRUST_PROXY: 'true' })).to.throw(ConfigError, /TRUST_PROXY/);
    expect(configFor({ TRUST_PROXY: '1' }).trustProxy).to.equal(1);
    expect(configFor({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy).to.deep.equal(['10.0.0.1', '192.168.0.0/16']);
    expect(() => configFor({ TRUST_PROXY: '10.0.0.0/99' })).to.throw(ConfigError);
    const attempts = FULL ? 40 : 8;
    const statuses: number[] = [];
    for (let i = 0; i < attempts; i++) {
      const spoofed = `${crypto.randomInt(1, 223)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(1, 254)}, 203.0.113.7`;
      statuses.push((await t.anon().post('/api/auth/login', { username: `nobody-${i}`, password: 'wrong-password-1' }, { 'x-forwarded-for': spoofed })).status);
    }
    const first429 = statuses.indexOf(429) + 1;
    figure(10, 'spoofed X-Forwarded-For behind TRUST_PROXY=1', `${attempts} failed logins, each with a random left-most address: limited as one client from attempt ${first429} (limit 3)`);
    expect(statuses.slice(0, 3)).to.deep.equal([401, 401, 401]);
    expect(statuses.slice(3).every((s) => s === 429)).to.equal(true);
  });

  it('lockout: failing clients stay locked, the right password from a clean client succeeds after a short delay', async () => {
    await t.createUser('owner', 'district');
    const from = (ip: string, password: string) => t.anon().post('/api/auth/token', { username: 'owner', password }, { 'x-forwarded-for': ip });
    const attackers = FULL ? 12 : 3;
    const codes: number[] = [];
    for (let a = 0; a < attackers; a++) for (let i = 0; i < 4; i++) codes.push((await from(`198.51.100.${a + 1}`, `guess-${a}-${i}-wrong`)).status);
    expect(codes.filter((c) => c === 429).length).to.equal(attackers); // the 4th try of each attacker
    const lockedRight = await from('198.51.100.1', TEST_PASSWORD);
    const started = performance.now();
    const owner = await from('192.0.2.50', TEST_PASSWORD);
    const waitedMs = Math.round(performance.now() - started);
    figure(10, 'lockout of one account', `${attackers} clients × 4 wrong passwords: each client 429 after 3; the right password from a failing client ${lockedRight.status}, from a clean client ${owner.status} after ${waitedMs} ms`);
    expect(lockedRight.status).to.equal(429);
    expect(owner.status).to.equal(200);
    expect(waitedMs).to.be.below(8000); // at most 3 s of delay, plus the password check on a busy machine
    expect(waitedMs).to.be.at.least(200); // the per-account delay is in force
    const audit = await admin.get('/api/audit?action=login_failed&pageSize=200');
    expect(audit.body.data.some((r: any) => r.meta?.client === '198.51.100.1')).to.equal(true);
  });

  it('cookie-authenticated exports requested by another site are 403; same-origin and bearer downloads work', async () => {
    const browser = t.anon();
    expect((await browser.post('/api/auth/login', { username: 'owner', password: TEST_PASSWORD }, { 'x-forwarded-for': '192.0.2.60' })).status).to.equal(200);
    const host = new URL(t.baseUrl).host;
    const paths = ['/api/households.xlsx', '/api/imports/template.xlsx', ...(FULL ? ['/api/reports/rates.xlsx?round=2017'] : [])];
    const refused: string[] = [];
    for (const p of paths) {
      const foreign: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, { referer: 'https://evil.example/page' }];
      for (const h of foreign) {
        const res = await browser.get(p, h);
        expect(res.status, `${p} ${JSON.stringify(h)}`).to.equal(403);
        refused.push(p);
      }
      expect((await browser.get(p, { 'sec-fetch-site': 'same-origin' })).status, p).to.equal(200);
      expect((await browser.get(p, { referer: `http://${host}/ho` })).status, p).to.equal(200);
      expect((await admin.get(p, { 'sec-fetch-site': 'cross-site' })).status, `${p} bearer`).to.equal(200);
    }
    figure(10, 'cross-site GET exports (cookie)', `${refused.length} cross-site/same-site/foreign-origin/foreign-referer requests → 403; same-origin and bearer → 200`);
  });

  it('malformed requests: login without a JSON body is 400, a non-ASCII CSRF token 403, 60,000 unknown keys a capped answer', async () => {
    const plain = await t.anon().request('POST', '/api/auth/login', 'username=admin', { 'content-type': 'text/plain', 'x-forwarded-for': '192.0.2.70' });
    const none = await t.anon().request('POST', '/api/auth/login', undefined, { 'x-forwarded-for': '192.0.2.71' });
    expect(plain.status).to.equal(400);
    expect(none.status).to.equal(400);
    expect(none.body.error.details.map((d: any) => d.path)).to.include.members(['username', 'password']);
    const browser = t.anon();
    await browser.post('/api/auth/login', { username: 'owner', password: TEST_PASSWORD }, { 'x-forwarded-for': '192.0.2.72' });
    // As many characters as the real token (32), but more bytes: timingSafeEqual threw on it (500).
    browser.csrf = 'é' + 'a'.repeat(31);
    const csrf = await browser.post('/api/households', { wardCode: '26764' });
    expect(csrf.status).to.equal(403);
    expect(csrf.body.error.code).to.equal('CSRF_FAILED');
    // 60,000 unknown keys: refused before joi (which spent seconds building one error per key) in one small answer.
    const body: Record<string, number> = { wardCode: 26764 } as never;
    for (let i = 0; i < 60_000; i++) body[`k${i}`] = 1;
    const started = performance.now();
    const huge = await admin.request('POST', '/api/households', JSON.stringify(body), { 'content-type': 'application/json' });
    const hugeMs = Math.round(performance.now() - started);
    const bytes = Buffer.byteLength(JSON.stringify(huge.body));
    expect(huge.status).to.equal(400);
    expect(huge.body.error.details[0]).to.include({ code: 'object.max' });
    expect(bytes).to.be.below(2_000);
    // Under that bound, more than 100 problems: 100 details and a count of the rest.
    const many: Record<string, number> = {};
    for (let i = 0; i < 190; i++) many[`k${i}`] = 1;
    const capped = await admin.post('/api/households', many);
    figure(10, 'malformed requests', `text/plain login ${plain.status}, no body ${none.status}, non-ASCII CSRF ${csrf.status}; 60,000 unknown keys → ${huge.status} ${huge.body.error.details[0].code}, ${bytes} B in ${hugeMs} ms; 190 unknown keys → ${capped.body.error.details.length} details + ${capped.body.error.detailsOmitted} omitted`);
    expect(capped.status).to.equal(400);
    expect(capped.body.error.details).to.have.length(100);
    expect(capped.body.error.detailsOmitted).to.be.at.least(90);
  });
});
