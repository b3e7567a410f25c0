/**
 * Issue 9 item 6 — resource limits: page sizes, body and upload sizes, one running import per user, login throttling.
 * The throttling case runs last: it locks this server's logins from 127.0.0.1 for the window.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { surveyRows, uploadWorkbook, waitForImport, workbookBuffer } from '../support/workbooks.ts';
import { figure } from '../support/faults.ts';

const LISTS = ['/api/households', '/api/audit', '/api/imports', '/api/users'];

describe('faults · item 6: resource limits', function () {
  this.timeout(180_000);
  let t: TestServer;
  let admin: ApiClient;
  before(async () => {
    t = await startTestServer();
    admin = await t.admin();
    for (let i = 0; i < 3; i++) expect((await admin.post('/api/households', { wardCode: '26764', householdCode: `LIM-${i}`, area: 'urban', headName: 'Lê Thị Giới Hạn' })).status).to.equal(201);
  });
  after(async () => t?.close());

  it('pageSize=10000 never returns more than the cap on any list', async () => {
    const answers: string[] = [];
    for (const list of LISTS) {
      const res = await admin.get(`${list}?pageSize=10000`);
      // Either the page size is clamped (200 with meta.pageSize ≤ the cap) or refused naming the field.
      if (res.status === 200) {
        expect(res.body.meta.pageSize, list).to.be.at.most(500);
        expect(res.body.data.length, list).to.be.at.most(res.body.meta.pageSize);
        answers.push(`${list} → 200, pageSize ${res.body.meta.pageSize}`);
      } else {
        expect(res.status, list).to.equal(400);
        expect(res.body.error.code).to.equal('VALIDATION_FAILED');
        expect(res.body.error.details.map((d: any) => d.path), list).to.include('pageSize');
        answers.push(`${list} → 400 VALIDATION_FAILED (pageSize)`);
      }
    }
    figure(6, 'pageSize=10,000', answers.join('; '));
  });

  it('a 2 MB JSON body is refused with 413 before any handler', async () => {
    const before = (await admin.get('/api/households?pageSize=1')).body.meta.total;
    const big = { wardCode: '26764', householdCode: 'BIG-1', area: 'urban', headName: 'Nguyễn Văn Lớn', address: 'x'.repeat(2 * 1024 * 1024) };
    const res = await admin.post('/api/households', big);
    const patch = await admin.patch('/api/households/00000000-0000-4000-8000-000000000000', { address: 'x'.repeat(2 * 1024 * 1024) }, { 'if-match': '"1"' });
    figure(6, '2 MB JSON body', `POST ${res.status} ${res.body?.error?.code}; PATCH ${patch.status} ${patch.body?.error?.code}`);
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    expect(patch.status).to.equal(413);
    expect((await admin.get('/api/households?pageSize=1')).body.meta.total).to.equal(before);
  });

  it('a 30 MB upload is refused with 413 and leaves no import', async () => {
    const before = (await admin.get('/api/imports')).body.meta.total;
    const res = await uploadWorkbook(admin, crypto.randomBytes(30 * 1024 * 1024), 'lon.xlsx');
    figure(6, '30 MB upload', `${res.status} ${res.body?.error?.code}`);
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    expect((await admin.get('/api/imports')).body.meta.total).to.equal(before);
  });

  it('a second simultaneous import by the same user is 429; another user is not held up', async () => {
    const user = await t.as('district');
    const other = await t.as('district');
    const file = await workbookBuffer([{ name: 'Hộ', rows: surveyRows(300) }]);
    const first = await uploadWorkbook(user, file);
    const second = await uploadWorkbook(user, file);
    const third = await uploadWorkbook(other, file);
    figure(6, 'second simultaneous import, same user', `first ${first.status}, second ${second.status} ${second.body?.error?.code}, another user ${third.status}`);
    expect(first.status).to.equal(202);
    expect(second.status).to.equal(429);
    expect(second.body.error.code).to.equal('TOO_MANY_REQUESTS');
    expect(third.status).to.equal(202);
    expect((await waitForImport(user, first.body.id)).status).to.equal('validated');
    await waitForImport(other, third.body.id);
    // Once the first has finished the same user may import again.
    const again = await uploadWorkbook(user, await workbookBuffer([{ name: 'Hộ', rows: surveyRows(2) }]));
    expect(again.status).to.equal(202);
    await waitForImport(user, again.body.id);
  });

  it('20 wrong passwords: throttled (429) before the 20th, and the right password is refused meanwhile', async () => {
    await t.createUser('throttled-user', 'ward', '26764');
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await t.anon().post('/api/auth/login', { username: 'throttled-user', password: `wrong-password-${i}` })).status);
    const right = await t.anon().post('/api/auth/login', { username: 'throttled-user', password: 'test-password-123' });
    const first429 = statuses.indexOf(429) + 1;
    figure(6, '20 wrong passwords', `401 for attempts 1–${first429 - 1}, 429 from attempt ${first429} (${statuses.filter((s) => s === 429).length}/20 throttled); the right password then ${right.status}`);
    expect(first429).to.be.greaterThan(1);
    expect(statuses.slice(first429 - 1).every((s) => s === 429)).to.equal(true);
    expect(statuses.slice(0, first429 - 1).every((s) => s === 401)).to.equal(true);
    expect(right.status).to.equal(429);
  });
});
