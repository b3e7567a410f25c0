/**
 * Issue 13 item 3, to the bytes: the chunks of an import (upload, parsed rows: names, ID numbers) never reach the
 * write-ahead log (the table is UNLOGGED) and their space is given back once deleted, so no database file keeps
 * them; and since a database crash empties an unlogged table, an import whose rows vanished so fails INTERRUPTED
 * instead of committing nothing.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { jobsOf } from '../../server/domain/imports/jobs.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { surveyRows, uploadWorkbook, waitForImport, workbookBuffer } from '../support/workbooks.ts';

describe('imports: chunk storage leaves no bytes behind (issue 13.3)', function () {
  this.timeout(180_000);
  let t: TestServer;
  let district: ApiClient;
  const validated = async (n: number, prefix: string) => {
    const res = await uploadWorkbook(district, await workbookBuffer([{ name: 'Hộ', rows: surveyRows(n, { codePrefix: prefix }) }]));
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const done = await waitForImport(district, res.body.id);
    expect(done.status, JSON.stringify(done.failure)).to.equal('validated');
    return done;
  };
  const sizes = async () =>
    (
      await queryRows<{ heap: number; toast: number; live: number }>(
        t.registry.deps.db,
        sql`select pg_relation_size(c.oid)::int as heap, coalesce(pg_relation_size(nullif(c.reltoastrelid, 0)), 0)::int as toast,
                   (select count(*)::int from import_chunks) as live
            from pg_class c where c.relname = 'import_chunks' and c.relnamespace = 'public'::regnamespace`,
      )
    )[0]!;
  before(async () => {
    t = await startTestServer();
    district = await t.as('district');
  });
  after(async () => t?.close());

  it('the chunks table is unlogged: uploads and parsed rows are never written to the WAL', async () => {
    const [rel] = await queryRows<{ persistence: string }>(t.registry.deps.db, sql`select relpersistence as persistence from pg_class where relname = 'import_chunks' and relnamespace = 'public'::regnamespace`);
    expect(rel!.persistence).to.equal('u');
  });

  it('once every import is committed or discarded, the table holds no rows and (embedded) no pages', async () => {
    const a = await validated(400, 'CS');
    const b = await validated(300, 'CT');
    const held = await sizes();
    expect(held.live).to.be.greaterThan(0);
    expect(held.heap + held.toast).to.be.greaterThan(0);
    expect((await district.post(`/api/imports/${a.id}/commit`, {})).status).to.equal(202);
    expect((await waitForImport(district, a.id)).status).to.equal('committed');
    expect((await district.delete(`/api/imports/${b.id}`)).status).to.equal(200);
    await jobsOf(t.registry.deps.db).compactSoon();
    const after = await sizes();
    expect(after.live).to.equal(0);
    // PGlite rewrites the table (VACUUM FULL): the deleted rows' pages are gone from its files. A server's plain
    // VACUUM frees them for reuse and truncates empty pages at the end when it can take the lock for a moment.
    if (t.registry.deps.engine === 'pglite') expect(after.heap + after.toast, JSON.stringify(after)).to.equal(0);
    else expect(after.heap + after.toast).to.be.at.most(held.heap + held.toast);
  });

  it('rows lost with the unlogged table (a database crash) fail the commit as INTERRUPTED; nothing is written', async () => {
    const rec = await validated(5, 'CL');
    await t.registry.deps.db.execute(sql`delete from import_chunks where import_id = ${rec.id}`);
    expect((await district.post(`/api/imports/${rec.id}/commit`, {})).status).to.equal(202);
    const done = await waitForImport(district, rec.id);
    expect(done.status).to.equal('failed');
    expect(done.failure.code).to.equal('INTERRUPTED');
    const [n] = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from households where household_code like 'CL%'`);
    expect(n!.n).to.equal(0);
  });
});
