/**
 * Item 11 — backup and restore (issue 18). The real server process takes a backup while 4 writers create households;
 * the file holds every write acknowledged before the backup started and none of those sent after it ended, never a
 * household without its audit row; it restores on the other engine (both when DATABASE_URL is set) with the same
 * rows; damaged files are refused with the target unchanged. Under SHN_FAULTS=full also the sizes and times of a
 * backup and a restore of the demo district and of the 116k-household bench district (6 rounds), on this engine.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { WARDS } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { ENGINE, FULL, figure, seconds, sleep } from '../support/faults.ts';
import { freshStore, startServerProcess, type ServerProcess, type ServerStore } from '../support/faults-server.ts';
import { copyOf, emptyTarget, fingerprint, otherEngine, tableCounts, type EngineName } from '../support/backups.ts';
import { readBackup } from '../../server/domain/backups/files.ts';
import { restoreBackup, restoredReportTotals, verifyBackup } from '../../server/domain/backups/restore.ts';
import { createBackup } from '../../server/domain/backups/service.ts';
import { systemActor } from '../../server/context.ts';
import type { Registry } from '../../server/bootstrap.ts';
import type { Config } from '../../server/config.ts';
import { loadDemoDistrict } from '../../scripts/lib/demo-load.ts';
import { QUAN12_WARDS, loadBenchData } from '../../scripts/lib/bench-reports.ts';

const RUN_ENGINE: EngineName = ENGINE === 'PostgreSQL' ? 'postgres' : 'pglite';
const MiB = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

interface Write {
  code: string;
  sentAt: number;
  ackAt: number | null;
}

async function writer(client: ApiClient, w: number, writes: Write[], stop: () => boolean): Promise<void> {
  for (let i = 0; !stop(); i++) {
    const entry: Write = { code: `BK11-${w}-${i}`, sentAt: performance.now(), ackAt: null };
    writes.push(entry);
    const res = await client.post('/api/households', { wardCode: WARDS[i % WARDS.length], householdCode: entry.code, address: `${i} Đường Tô Ký`, area: 'urban', headName: 'Nguyễn Văn Ghi', members: [] });
    if (res.status === 201) entry.ackAt = performance.now();
  }
}

describe('faults · item 11: backup and restore', function () {
  this.timeout(FULL ? 3 * 3600_000 : 600_000);
  let store: ServerStore;
  let server: ServerProcess | null = null;
  let file = '';
  let work = '';
  before(async () => {
    store = await freshStore();
    work = fs.mkdtempSync(path.join(store.dataDir, '..', 'shn-item11-'));
  });
  after(async () => {
    await server?.stop();
    await store?.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('a backup taken by the serving process under 4 writers: all acknowledged before, nothing sent after, no half write', async () => {
    server = await startServerProcess(store, { BACKUP_AT: 'off' });
    const admin = await server.admin();
    const writes: Write[] = [];
    let stop = false;
    const writers = [0, 1, 2, 3].map((w) => writer(admin, w, writes, () => stop));
    await sleep(FULL ? 5000 : 1500);
    const startedAt = performance.now();
    const res = await admin.post('/api/admin/backups', {});
    const doneAt = performance.now();
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await sleep(1000);
    stop = true;
    await Promise.all(writers);
    // Writers' wait: the longest time a write acknowledged during the backup waited (PGlite runs it exclusively).
    const during = writes.filter((w) => w.ackAt !== null && w.ackAt > startedAt && w.sentAt < doneAt);
    const longest = Math.max(0, ...during.map((w) => w.ackAt! - w.sentAt));
    file = path.join(work, res.body.name);
    fs.copyFileSync(path.join(store.dataDir, 'backups', res.body.name), file);
    await server.stop();
    server = null;

    const households = new Map<string, string>();
    const created = new Set<string>();
    await readBackup(file, {
      rows: async (table, batch) => {
        if (table.name === 'households') for (const l of batch) { const h = JSON.parse(l); households.set(h.household_code, h.id); }
        if (table.name === 'audit_events') for (const l of batch) { const e = JSON.parse(l); if (e.entity === 'household' && e.action === 'create') created.add(e.entity_id); }
      },
    });
    const ackedBefore = writes.filter((w) => w.ackAt !== null && w.ackAt < startedAt);
    const sentAfter = writes.filter((w) => w.sentAt > doneAt);
    const missing = ackedBefore.filter((w) => !households.has(w.code)).length;
    const leaked = sentAfter.filter((w) => households.has(w.code)).length;
    const ids = new Set(households.values());
    const half = [...ids].filter((id) => !created.has(id)).length + [...created].filter((id) => !ids.has(id)).length;
    figure(11, 'backup while serving, 4 writers', `${ackedBefore.length} writes acknowledged before: ${missing} missing; ${sentAfter.length} sent after: ${leaked} present; ${half} half writes; ${during.length} writes during it, longest ${seconds(longest)}; backup ${seconds(res.body.durationMs)}, ${MiB(res.body.sizeBytes)}`);
    expect(ackedBefore.length).to.be.greaterThan(4);
    expect(sentAfter.length).to.be.greaterThan(0);
    expect([missing, leaked, half]).to.deep.equal([0, 0, 0]);
  });

  it(`restores on ${otherEngine(RUN_ENGINE)} with the same rows`, async () => {
    expect(file, 'the backup of the first test').to.not.equal('');
    const target = await emptyTarget(otherEngine(RUN_ENGINE));
    const db = await target.open();
    try {
      const result = await restoreBackup(file, db);
      const manifest = await verifyBackup(file);
      const counts = await tableCounts(db.db);
      const differing = manifest.tables.filter((t) => counts[t.name] !== t.rows).map((t) => t.name);
      figure(11, `restore ${RUN_ENGINE} → ${otherEngine(RUN_ENGINE)}`, `${result.counts.reduce((n, c) => n + c.rows, 0)} rows in ${manifest.tables.length} tables; ${differing.length} tables differ; ${seconds(result.durationMs)}`);
      expect(differing).to.deep.equal([]);
    } finally {
      await db.close();
      await target.dispose();
    }
  });

  it('refuses truncated, corrupted and foreign files and leaves the target unchanged', async () => {
    const bytes = fs.readFileSync(file);
    const variants: Record<string, (f: string) => void> = {
      'truncated at 50 %': (f) => fs.writeFileSync(f, bytes.subarray(0, bytes.length >> 1)),
      'last 8 bytes cut': (f) => fs.writeFileSync(f, bytes.subarray(0, bytes.length - 8)),
      'one byte flipped': (f) => { const b = Buffer.from(bytes); b[b.length >> 1]! ^= 0xff; fs.writeFileSync(f, b); },
      'a row edited': (f) => fs.writeFileSync(f, zlib.gzipSync(zlib.gunzipSync(bytes).toString('utf8').replace('"BK11-0-0"', '"BK11-0-X"'))),
      'a spreadsheet': (f) => fs.writeFileSync(f, Buffer.from('PK\u0003\u0004not a backup')),
      'empty': (f) => fs.writeFileSync(f, ''),
    };
    const target = await emptyTarget(RUN_ENGINE);
    const registry = await target.registry();
    const codes: string[] = [];
    try {
      const before = await fingerprint(registry.deps.db);
      for (const [what, damage] of Object.entries(variants)) {
        const f = copyOf(file);
        damage(f);
        let code = 'accepted';
        try {
          await restoreBackup(f, registry.database, { force: true });
        } catch (err) {
          code = (err as { code?: string }).code ?? 'error';
        }
        codes.push(`${what}: ${code}`);
        expect(await fingerprint(registry.deps.db), what).to.deep.equal(before);
        fs.rmSync(path.dirname(f), { recursive: true, force: true });
      }
    } finally {
      await registry.close();
      await target.dispose();
    }
    figure(11, 'damaged files', `${codes.filter((c) => !c.endsWith('accepted')).length}/${codes.length} refused, target unchanged each time (${codes.join('; ')})`);
    expect(codes.filter((c) => c.endsWith('accepted') || c.endsWith(': error'))).to.deep.equal([]);
  });

  /** Loads a data set into a fresh registry of this run's engine, backs it up, restores it into an empty one. */
  async function measure(label: string, load: (registry: Registry, config: Config) => Promise<unknown>): Promise<void> {
    const source = await emptyTarget(RUN_ENGINE);
    const registry = await source.registry();
    let backup;
    let totals;
    try {
      const t0 = performance.now();
      await load(registry, source.config);
      const loadMs = performance.now() - t0;
      backup = await createBackup({ ...registry.deps, actor: systemActor('item-11'), requestId: 'item-11' });
      totals = await restoredReportTotals(registry.deps.db, source.config);
      process.stdout.write(`      ${label}: loaded in ${seconds(loadMs)}, backup ${seconds(backup.durationMs)}\n`);
    } finally {
      await registry.close();
    }
    const backupFile = path.join(source.config.backupDir, backup.name);
    const target = await emptyTarget(RUN_ENGINE);
    const db = await target.open();
    try {
      const result = await restoreBackup(backupFile, db);
      const after = await restoredReportTotals(db.db, target.config);
      const households = backup.tables.find((t) => t.name === 'households')!.rows;
      const assessments = backup.tables.find((t) => t.name === 'assessments')!.rows;
      figure(11, `${label}: backup and restore`, `${households} households, ${assessments} assessments, ${backup.rows} rows: file ${MiB(backup.sizeBytes)}; backup ${seconds(backup.durationMs)}; restore ${seconds(result.durationMs)}; round ${after?.round} totals ${JSON.stringify(after) === JSON.stringify(totals) ? 'identical' : 'DIFFER'}`);
      expect(after).to.deep.equal(totals);
    } finally {
      await db.close();
      await target.dispose();
      await source.dispose();
    }
  }

  it('demo district (npm run demo data): backup and restore size and time', async function () {
    if (!FULL) this.skip();
    await measure('demo district', (registry, config) => loadDemoDistrict(registry, config, 'demo-password-11', () => {}));
  });

  it('bench district (116,000 households × 6 rounds): backup and restore size and time', async function () {
    if (!FULL || process.env.SHN_ITEM11_BENCH === '0') this.skip();
    await measure('bench district 116k', (registry, config) => loadBenchData(registry, config, QUAN12_WARDS, 116_000, [2015, 2016, 2017, 2018, 2019, 2020], (l) => process.stdout.write(l + '\n')));
  });
});
