/**
 * Values that cross the driver boundary come back as they went in, on both engines: bytea (PGlite goes through our
 * native hex codec, server/db/client.ts) for every byte value, empty, and a 1 MiB import chunk.
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('database codecs', function () {
  this.timeout(60_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  it('bytea round-trips every byte value, an empty value and a 1 MiB chunk, as a parameter and as a stored column', async () => {
    const db = t.registry.deps.db;
    const values = [Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256)), Buffer.alloc(0), crypto.randomBytes(1048576)];
    for (const v of values) {
      const [echo] = await queryRows<{ b: Uint8Array; n: number }>(db, sql`select ${v}::bytea as b, octet_length(${v}::bytea) as n`);
      expect(Number(echo!.n)).to.equal(v.length);
      expect(Buffer.from(echo!.b).equals(v), `echo of ${v.length} bytes`).to.equal(true);
    }
    await db.execute(sql`create temporary table codec_check (b bytea)`);
    try {
      for (const v of values) await db.execute(sql`insert into codec_check values (${v})`);
      const stored = await queryRows<{ b: Uint8Array }>(db, sql`select b from codec_check order by octet_length(b)`);
      const expected = [...values].sort((a, b) => a.length - b.length);
      expect(stored.map((r) => Buffer.from(r.b).equals(expected.shift()!))).to.deep.equal([true, true, true]);
    } finally {
      await db.execute(sql`drop table codec_check`);
    }
  });
});
