/**
 * Issue 9 item 1 — concurrent edits (optimistic concurrency, ETag / If-Match). Light in `npm test`; the sizes
 * under `npm run test:faults` (SHN_FAULTS=full, which loads this file from test/faults/).
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { createHousehold } from '../support/households.ts';
import { FULL, figure, seconds, sleep } from '../support/faults.ts';

const SAME_IF_MATCH = 50;
const CLIENTS = FULL ? 20 : 5;
const INCREMENTS = FULL ? 50 : 10;

async function updateAudits(t: TestServer, id: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(t.registry.deps.db, sql`select count(*)::int as n from audit_events where action = 'update' and entity = 'household' and entity_id = ${id}`);
  return r!.n;
}

const counterOf = (address: string) => Number(/^counter:(\d+)$/.exec(address)?.[1] ?? NaN);

describe('faults · item 1: concurrent edits', function () {
  this.timeout(FULL ? 900_000 : 180_000);
  let t: TestServer;
  let clients: ApiClient[];
  before(async () => {
    t = await startTestServer();
    clients = [await t.as('district'), await t.as('ward', '26764'), await t.admin()];
  });
  after(async () => t?.close());

  it(`${SAME_IF_MATCH} concurrent PATCHes with the same If-Match: one 200, the rest 412, version +1, one audit row`, async () => {
    const h = await createHousehold(clients[0]!, { wardCode: '26764' });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: SAME_IF_MATCH }, (_, i) => clients[i % clients.length]!.patch(`/api/households/${h.id}`, { address: `${i} Đường Song Hành` }, { 'if-match': '"1"' })),
    );
    const elapsed = Date.now() - started;
    const ok = results.filter((r) => r.status === 200);
    const stale = results.filter((r) => r.status === 412);
    const after = await clients[0]!.get(`/api/households/${h.id}`);
    const audits = await updateAudits(t, h.id);
    figure(1, `${SAME_IF_MATCH} concurrent PATCHes, same If-Match`, `${ok.length}×200, ${stale.length}×412, other ${results.length - ok.length - stale.length}; version 1→${after.body.version}; ${audits} audit row; ${seconds(elapsed)}`);
    expect(ok).to.have.length(1);
    expect(stale).to.have.length(SAME_IF_MATCH - 1);
    expect(stale.every((r) => r.body.error.code === 'PRECONDITION_FAILED'), JSON.stringify(stale[0]?.body)).to.equal(true);
    expect(after.body.version).to.equal(2);
    expect(after.headers.get('etag')).to.equal('"2"');
    expect(after.body.address).to.equal(ok[0]!.body.address);
    expect(audits).to.equal(1);
  });

  it(`${CLIENTS} clients × ${INCREMENTS} read-modify-write increments with retry on 412 lose no increment`, async () => {
    const h = await createHousehold(clients[0]!, { wardCode: '26764', address: 'counter:0' });
    let retries = 0;
    const unexpected: string[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const client = clients[c % clients.length]!;
        for (let done = 0, lost = 0; done < INCREMENTS; ) {
          const read = await client.get(`/api/households/${h.id}`);
          const next = counterOf(read.body.address) + 1;
          const res = await client.patch(`/api/households/${h.id}`, { address: `counter:${next}` }, { 'if-match': read.headers.get('etag')! });
          if (res.status === 200) {
            done++;
            lost = 0;
          } else if (res.status === 412) {
            // Retry after a short random pause that grows with the losses, as a well-behaved client would.
            retries++;
            await sleep(Math.random() * 5 * Math.min(++lost, 8));
          }
          else if (unexpected.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`) > 3) throw new Error(unexpected.join('\n'));
        }
      }),
    );
    const elapsed = Date.now() - started;
    const final = await clients[0]!.get(`/api/households/${h.id}`);
    const audits = await updateAudits(t, h.id);
    const expected = CLIENTS * INCREMENTS;
    figure(1, `${CLIENTS} clients × ${INCREMENTS} increments, retry on 412`, `final value ${counterOf(final.body.address)} (expected ${expected.toLocaleString('en')}); version ${final.body.version}; ${audits} audit rows; ${retries} retries after 412; ${seconds(elapsed)}`);
    expect(unexpected).to.deep.equal([]);
    expect(counterOf(final.body.address)).to.equal(expected);
    expect(final.body.version).to.equal(expected + 1);
    expect(audits).to.equal(expected);
  });
});
