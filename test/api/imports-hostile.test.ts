import { expect } from 'chai';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { insertImport } from '../../server/domain/imports/repository.ts';
import { findUserByUsername } from '../../server/domain/users/repository.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { hostile, surveyRows, uploadWorkbook, waitForImport, workbookBuffer } from '../support/workbooks.ts';

async function failureOf(client: ApiClient, buf: Buffer): Promise<string> {
  const res = await uploadWorkbook(client, buf);
  expect(res.status, JSON.stringify(res.body)).to.equal(202);
  const done = await waitForImport(client, res.body.id);
  expect(done.status).to.equal('failed');
  expect(done.failure.message.vi).to.be.a('string').and.not.empty;
  expect(done.failure.message.en).to.be.a('string').and.not.empty;
  return done.failure.code;
}

const count = async (t: TestServer, q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(t.registry.deps.db, q))[0]!.n;

describe('imports: hostile files, limits, atomic commit', function () {
  this.timeout(180_000);
  let t: TestServer;
  let client: ApiClient;
  before(async () => {
    t = await startTestServer({ env: { UPLOAD_LIMIT_MB: '2' } });
    client = await t.as('district', null, 'importer');
  });
  after(async () => t?.close());

  it('refuses each hostile file with its own code, and the API keeps serving', async () => {
    const valid = await workbookBuffer([{ name: 'Hộ', rows: surveyRows(3) }]);
    expect(await failureOf(client, hostile.notAZip())).to.equal('NOT_XLSX');
    expect(await failureOf(client, hostile.truncated(valid))).to.equal('ZIP_CORRUPT');
    expect(await failureOf(client, hostile.zipBomb())).to.equal('ZIP_BOMB');
    expect(await failureOf(client, hostile.zipBomb(true))).to.equal('ZIP_BOMB');
    expect(await failureOf(client, hostile.millionRows())).to.equal('TOO_MANY_ROWS');
    expect(await failureOf(client, hostile.wholeColumnValidation())).to.equal('UNSAFE_DATA_VALIDATION');
    expect((await t.anon().get('/api/health')).status).to.equal(200);
    // …and a good file still goes through afterwards.
    const res = await uploadWorkbook(client, valid);
    expect((await waitForImport(client, res.body.id)).status).to.equal('validated');
  });

  it('a file over the upload limit is 413 and leaves no import behind', async () => {
    const before = await count(t, sql`select count(*)::int as n from imports`);
    const res = await uploadWorkbook(client, crypto.randomBytes(3 * 1024 * 1024));
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    expect(await count(t, sql`select count(*)::int as n from imports`)).to.equal(before);
  });

  it('needs a file, a login, and allows one running import per user (429)', async () => {
    expect((await client.post('/api/imports', new FormData())).status).to.equal(400);
    expect((await uploadWorkbook(t.anon(), hostile.notAZip())).status).to.equal(401);
    const busy = await t.as('district', null, 'busy-importer');
    const user = await findUserByUsername(t.registry.deps.db, 'busy-importer');
    await insertImport(t.registry.deps.db, { userId: user!.id, username: 'busy-importer', fileName: 'x.xlsx', sha256: '0'.repeat(64), sizeBytes: 1, status: 'parsing' });
    const res = await uploadWorkbook(busy, await workbookBuffer([{ name: 'Hộ', rows: surveyRows(1) }]));
    expect(res.status).to.equal(429);
    expect(res.body.error.code).to.equal('TOO_MANY_REQUESTS');
  });

  it('a failure in the middle of a commit leaves the registry exactly as it was', async () => {
    const db = t.registry.deps.db;
    // Injected fault: a trigger refuses the assessment of one household, after every household row was written.
    await db.execute(sql.raw(`create function shn_test_boom() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from households where id = new.household_id and household_code = 'A000015') then raise exception 'injected failure'; end if;
        return new;
      end $$`));
    await db.execute(sql.raw('create trigger shn_test_boom before insert on assessments for each row execute function shn_test_boom()'));
    const households = await count(t, sql`select count(*)::int as n from households`);
    const audit = await count(t, sql`select count(*)::int as n from audit_events`);
    const res = await uploadWorkbook(client, await workbookBuffer([{ name: 'Hộ', rows: surveyRows(30, { codePrefix: 'A' }) }]));
    const validated = await waitForImport(client, res.body.id);
    expect(validated.summary.valid).to.equal(30);
    expect((await client.post(`/api/imports/${res.body.id}/commit`, {})).status).to.equal(202);
    const done = await waitForImport(client, res.body.id);
    expect(done.status).to.equal('failed');
    expect(done.failure.code).to.equal('COMMIT_FAILED');
    expect(await count(t, sql`select count(*)::int as n from households`)).to.equal(households);
    expect(await count(t, sql`select count(*)::int as n from assessments`)).to.equal(0);
    expect(await count(t, sql`select count(*)::int as n from audit_events`)).to.equal(audit);
    await db.execute(sql.raw('drop trigger shn_test_boom on assessments'));
  });
});
