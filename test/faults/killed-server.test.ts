/**
 * Issue 9 item 3 — killed server. Writers create households through the real server process and note every write the
 * server acknowledged (201); the server is killed with SIGKILL at a random moment and restarted on the same data
 * folder (PGlite: the stale lock is taken over) or database, 20 times. Afterwards every acknowledged household is
 * there exactly once, with exactly one audit row.
 */
import { expect } from 'chai';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows } from '../../server/db/client.ts';
import { WARDS } from '../support/server.ts';
import { FULL, figure, seconds, sleep } from '../support/faults.ts';
import { freshStore, startServerProcess, type ServerProcess, type ServerStore } from '../support/faults-server.ts';
import type { ApiClient } from '../support/http.ts';

const CYCLES = FULL ? 20 : 3;
const WRITERS = 4;

interface Ledger {
  acknowledged: Set<string>;
  duplicateAcks: number;
  attempted: number;
  unexpected: string[];
}

/** One writer: creates households until the server stops answering; records the codes it got a 201 for. */
async function writer(client: ApiClient, cycle: number, w: number, ledger: Ledger): Promise<void> {
  for (let i = 0; ; i++) {
    const code = `KS${cycle}-${w}-${i}`;
    ledger.attempted++;
    let status: number;
    try {
      const res = await client.post('/api/households', {
        wardCode: WARDS[i % WARDS.length], householdCode: code, address: `${i} Đường Tô Ký`, area: 'urban', headName: 'Nguyễn Văn Ghi', members: [],
      });
      status = res.status;
    } catch {
      return; // connection refused or reset: the server is gone; this write is unacknowledged
    }
    if (status === 201) {
      if (ledger.acknowledged.has(code)) ledger.duplicateAcks++;
      ledger.acknowledged.add(code);
    } else if (ledger.unexpected.length < 5) ledger.unexpected.push(`${code}: ${status}`);
  }
}

describe('faults · item 3: server killed with SIGKILL while writing', function () {
  this.timeout(CYCLES * 120_000);
  let store: ServerStore;
  let server: ServerProcess | null = null;
  before(async () => {
    store = await freshStore();
  });
  after(async () => {
    await server?.kill();
    await store?.dispose();
  });

  it(`${CYCLES} kill/restart cycles lose no acknowledged write and duplicate none`, async () => {
    const ledger: Ledger = { acknowledged: new Set(), duplicateAcks: 0, attempted: 0, unexpected: [] };
    const restarts: number[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const started = Date.now();
      server = await startServerProcess(store);
      restarts.push(Date.now() - started);
      const admin = await server.admin();
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(admin, cycle, w, ledger));
      await sleep(300 + Math.random() * 1700);
      await server.kill();
      await Promise.all(writers);
      server = null;
    }
    // One more start on the same folder, then read the database directly once it is closed again.
    server = await startServerProcess(store);
    expect((await (await server.admin()).get('/api/health')).status).to.equal(200);
    await server.stop();
    server = null;

    const database = await openDatabase({ databaseUrl: store.databaseUrl, pgliteDir: path.join(store.dataDir, 'pgdata') });
    let stored: { household_code: string; n: number }[];
    let audits: { entity_id: string; n: number }[];
    let households: number;
    try {
      stored = await queryRows(database.db, sql`select household_code, count(*)::int as n from households where household_code like 'KS%' group by household_code`);
      [{ n: households }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from households where household_code like 'KS%'`) as [{ n: number }];
      audits = await queryRows(database.db, sql`select a.entity_id, count(*)::int as n from audit_events a join households h on h.id::text = a.entity_id
        where a.action = 'create' and a.entity = 'household' and h.household_code like 'KS%' group by a.entity_id`);
    } finally {
      await database.close();
    }
    const present = new Set(stored.map((r) => r.household_code));
    const missing = [...ledger.acknowledged].filter((c) => !present.has(c));
    const duplicates = stored.filter((r) => r.n > 1).length + ledger.duplicateAcks;
    const unacknowledgedStored = stored.filter((r) => !ledger.acknowledged.has(r.household_code)).length;
    const auditRows = audits.reduce((s, r) => s + r.n, 0);
    const auditPerHousehold = audits.every((r) => r.n === 1) && audits.length === households;
    figure(3, `killed server: ${CYCLES} SIGKILL cycles, ${WRITERS} writers`,
      `${ledger.acknowledged.size} acknowledged writes (${ledger.attempted} attempted); missing ${missing.length}; duplicates ${duplicates}; ` +
      `audit rows ${auditRows} = stored ${households} (${ledger.acknowledged.size} acknowledged + ${unacknowledgedStored} in flight at the kill); ` +
      `restart ${seconds(Math.min(...restarts))}–${seconds(Math.max(...restarts))}`);
    expect(ledger.unexpected, 'unexpected statuses').to.deep.equal([]);
    expect(ledger.acknowledged.size).to.be.greaterThan(CYCLES);
    expect(missing, 'acknowledged writes missing').to.deep.equal([]);
    expect(duplicates, 'duplicates').to.equal(0);
    expect(auditPerHousehold, 'one audit row per stored household').to.equal(true);
    expect(households - unacknowledgedStored).to.equal(ledger.acknowledged.size);
  });
});
