/**
 * Backups that restore (issue 18): the admin API, files and retention, a backup under 4 concurrent writers, restores
 * across engines (PGlite → PostgreSQL and back when DATABASE_URL is set) with identical counts, tables and rates
 * reports for every round, older-migration backups, and refused files that leave the target as it was.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startTestServer, WARDS, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { loadReportFixture, FIXTURE_ROUNDS } from '../support/report-fixtures.ts';
import { readBackup } from '../../server/domain/backups/files.ts';
import { restoreBackup, verifyBackup } from '../../server/domain/backups/restore.ts';
import { listTables, targetIsEmpty } from '../../server/domain/backups/repository.ts';
import { createBackup } from '../../server/domain/backups/service.ts';
import { systemActor } from '../../server/context.ts';
import type { AppError } from '../../server/errors.ts';
import { applyMigrationsIn, localMigrations } from '../../server/db/migrate.ts';
import { ENGINES, backupLines, copyOf, emptyTarget, fingerprint, otherEngine, tableCounts, writeBackupLines } from '../support/backups.ts';

const KEEP = 3;
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function takeBackup(admin: ApiClient, t: TestServer): Promise<{ file: string; body: any }> {
  const res = await admin.post('/api/admin/backups', {});
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return { file: path.join(t.config.backupDir, res.body.name), body: res.body };
}

/** Rates of every round, both standards, as the API serves them. */
async function allRates(client: ApiClient): Promise<unknown[]> {
  const out = [];
  for (const round of FIXTURE_ROUNDS) {
    for (const standard of ['city', 'national']) {
      const res = await client.get(`/api/reports/rates?round=${round}&standard=${standard}`);
      expect(res.status).to.equal(200);
      out.push(res.body);
    }
  }
  return out;
}

const sources = new Map<string, { t: TestServer; admin: ApiClient }>();
async function source(engine: 'pglite' | 'postgres') {
  let s = sources.get(engine);
  if (!s) {
    const t = await startTestServer({ engine, env: { BACKUP_KEEP: String(KEEP), BACKUP_AT: 'off' } });
    const admin = await t.admin();
    await loadReportFixture(admin);
    s = { t, admin };
    sources.set(engine, s);
  }
  return s;
}

describe(`backups and restore (issue 18) · engines: ${ENGINES.join(', ')}`, function () {
  this.timeout(600_000);
  const mainEngine = ENGINES.at(-1)!;
  let t: TestServer;
  let admin: ApiClient;
  before(async function () {
    this.timeout(600_000);
    ({ t, admin } = await source(mainEngine));
  });
  after(async () => {
    for (const s of sources.values()) await s.t.close();
  });

  it('only administrators may list, start or download backups (ward and district 403, anonymous 401)', async () => {
    for (const client of [await t.as('ward', WARDS[0]), await t.as('district')]) {
      for (const [method, p] of [['GET', '/api/admin/backups'], ['POST', '/api/admin/backups'], ['GET', '/api/admin/backups/shn-backup-20260101-000000-000Z.jsonl.gz']] as const) {
        const res = await client.request(method, p, method === 'POST' ? {} : undefined);
        expect(res.status, `${method} ${p}`).to.equal(403);
        expect(res.body.error.code).to.equal('FORBIDDEN');
      }
    }
    expect((await t.anon().post('/api/admin/backups', {})).status).to.equal(401);
    expect(fs.existsSync(t.config.backupDir) ? fs.readdirSync(t.config.backupDir).filter((f) => f.endsWith('.gz')) : []).to.deep.equal([]);
  });

  it('writes a 0600 file and checksum in a 0700 folder; lists size, time, checksum, row counts; health tells the age', async () => {
    const before = await t.anon().get('/api/health');
    expect(before.body.backup.status).to.equal('none');
    expect(before.body.warnings).to.include('BACKUP_NONE');

    const { file, body } = await takeBackup(admin, t);
    expect(fs.statSync(t.config.backupDir).mode & 0o777).to.equal(0o700);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(fs.statSync(file + '.sha256').mode & 0o777).to.equal(0o600);
    expect(body.sha256).to.equal(sha256(file));
    expect(fs.readFileSync(file + '.sha256', 'utf8')).to.equal(`${body.sha256}  ${body.name}\n`);
    expect(body.sizeBytes).to.equal(fs.statSync(file).size);
    const households = body.tables.find((x: { name: string }) => x.name === 'households');
    expect(households.rows).to.equal(9);

    const list = await admin.get('/api/admin/backups');
    expect(list.status).to.equal(200);
    expect(list.body.data[0]).to.deep.include({ name: body.name, sha256: body.sha256, sizeBytes: body.sizeBytes, createdAt: body.createdAt, engine: t.engine });
    expect(list.body.data[0].tables).to.deep.equal(body.tables);
    expect(list.body.meta.last.status).to.equal('ok');
    expect(list.body.meta.keep).to.equal(KEEP);

    const health = await t.anon().get('/api/health');
    expect(health.body.backup.status).to.equal('ok');
    expect(health.body.backup.ageHours).to.be.below(0.1);
    expect(health.body.warnings).to.deep.equal([]);

    const download = await admin.get(`/api/admin/backups/${body.name}`);
    expect(download.status).to.equal(200);
    expect(crypto.createHash('sha256').update(download.body as Buffer).digest('hex')).to.equal(body.sha256);
    expect((await admin.get('/api/admin/backups/..%2Fsecret.key')).status).to.equal(400);
    expect((await admin.get('/api/admin/backups/shn-backup-20000101-000000-000Z.jsonl.gz')).status).to.equal(404);
  });

  it(`retention keeps the newest BACKUP_KEEP (${KEEP}) backups`, async () => {
    const made: string[] = [];
    for (let i = 0; i < KEEP + 2; i++) made.push((await takeBackup(admin, t)).body.name);
    const names = fs.readdirSync(t.config.backupDir).filter((f) => f.endsWith('.jsonl.gz')).sort();
    expect(names).to.deep.equal(made.slice(-KEEP));
    expect(fs.readdirSync(t.config.backupDir).filter((f) => f.endsWith('.sha256')).sort()).to.deep.equal(names.map((n) => n + '.sha256'));
    expect((await admin.get('/api/admin/backups')).body.data.map((b: { name: string }) => b.name)).to.deep.equal([...names].reverse());
  });

  it('takes one backup at a time: a second request while one runs is 409 BACKUP_RUNNING', async () => {
    const ctx = { ...t.registry.deps, actor: systemActor('test'), requestId: 'test' };
    const first = createBackup(ctx);
    let code = 'accepted';
    try {
      await createBackup(ctx);
    } catch (err) {
      code = `${(err as AppError).status} ${(err as AppError).code}`;
    }
    expect(code).to.equal('409 BACKUP_RUNNING');
    expect((await first).rows).to.be.greaterThan(0);
  });

  it('a backup under 4 concurrent writers holds every write acknowledged before it started and no half write', async () => {
    const writes: { code: string; sentAt: number; ackAt: number | null }[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const code = `BKW-${w}-${i}`;
        const entry = { code, sentAt: performance.now(), ackAt: null as number | null };
        writes.push(entry);
        const res = await admin.post('/api/households', { wardCode: WARDS[i % WARDS.length], householdCode: code, address: `${i} Đường Tô Ký`, area: 'urban', headName: 'Nguyễn Văn Ghi', members: [] });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        entry.ackAt = performance.now();
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 1500));
    const startedAt = performance.now();
    const { file } = await takeBackup(admin, t);
    const doneAt = performance.now();
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(writers);

    const inBackup = { households: new Map<string, string>(), created: new Set<string>() };
    await readBackup(file, {
      rows: async (table, batch) => {
        if (table.name === 'households') for (const line of batch) { const h = JSON.parse(line); inBackup.households.set(h.household_code, h.id); }
        if (table.name === 'audit_events') for (const line of batch) { const e = JSON.parse(line); if (e.entity === 'household' && e.action === 'create') inBackup.created.add(e.entity_id); }
      },
    });
    const ackedBefore = writes.filter((w) => w.ackAt !== null && w.ackAt < startedAt);
    const sentAfter = writes.filter((w) => w.sentAt > doneAt);
    expect(ackedBefore.length, 'writes acknowledged before the backup').to.be.greaterThan(4);
    expect(sentAfter.length, 'writes sent after the backup').to.be.greaterThan(0);
    expect(ackedBefore.filter((w) => !inBackup.households.has(w.code)).map((w) => w.code), 'acknowledged before, missing').to.deep.equal([]);
    expect(sentAfter.filter((w) => inBackup.households.has(w.code)).map((w) => w.code), 'sent after, present').to.deep.equal([]);
    // No half write: a household and its audit row commit together, so the backup has both or neither.
    const ids = new Set(inBackup.households.values());
    expect([...ids].filter((id) => !inBackup.created.has(id)), 'households without their audit row').to.deep.equal([]);
    expect([...inBackup.created].filter((id) => !ids.has(id)), 'audit rows without their household').to.deep.equal([]);

    const target = await emptyTarget(mainEngine);
    const db = await target.open();
    try {
      await restoreBackup(file, db);
      const counts = await tableCounts(db.db);
      const manifest = await verifyBackup(file);
      for (const table of manifest.tables) expect(counts[table.name], table.name).to.equal(table.rows);
    } finally {
      await db.close();
      await target.dispose();
    }
  });

  for (const from of ENGINES) {
    const to = otherEngine(from);
    it(`restores ${from} → ${to} into an empty database: identical counts, tables and rates reports for every round`, async () => {
      const src = await source(from);
      const { file } = await takeBackup(src.admin, src.t);
      const target = await emptyTarget(to);
      try {
        const db = await target.open();
        let result;
        try {
          result = await restoreBackup(file, db);
        } finally {
          await db.close();
        }
        expect(result.laterMigrations).to.equal(0);
        const served = await target.serve();
        try {
          const skip = ['sessions', 'audit_events'];
          expect(await fingerprint(served.database.db, skip)).to.deep.equal(await fingerprint(src.t.registry.deps.db, skip));
          const manifest = await verifyBackup(file);
          const counts = await tableCounts(served.database.db);
          for (const table of manifest.tables) expect(counts[table.name], table.name).to.equal(table.name === 'sessions' ? counts.sessions : table.rows);
          expect(await allRates(await served.admin())).to.deep.equal(await allRates(src.admin));
        } finally {
          await served.close();
        }
      } finally {
        await target.dispose();
      }
    });
  }

  it('a backup from an older migration restores at that migration, then the later migrations run', async () => {
    const { file } = await takeBackup(admin, t);
    const lines = backupLines(file);
    const manifest = JSON.parse(lines[0]!);
    const local = localMigrations();
    const target = await emptyTarget(mainEngine);
    const db = await target.open();
    let older = '';
    try {
      // The schema one migration back, read in a transaction that is rolled back (the target stays empty).
      const rollback = new Error('rollback');
      let shapes = new Map<string, string[]>();
      await db.db
        .transaction(async (tx) => {
          await applyMigrationsIn(tx, local.slice(0, -1));
          shapes = new Map((await listTables(tx)).map((x) => [x.name, x.columns]));
          throw rollback;
        })
        .catch((err) => {
          if (err !== rollback) throw err;
        });
      // A genuine backup of that schema: the same rows, without the tables and columns the last migration added.
      const rows: string[] = [];
      let at = 1;
      const tables = [];
      for (const table of manifest.tables as { name: string; columns: string[]; rows: number }[]) {
        const slice = lines.slice(at, at + table.rows);
        at += table.rows;
        const columns = shapes.get(table.name);
        if (!columns) continue;
        const kept = table.columns.filter((c) => columns.includes(c));
        tables.push({ ...table, columns: kept });
        for (const line of slice) rows.push(JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(line)).filter(([k]) => kept.includes(k)))));
      }
      const olderManifest = { ...manifest, tables, migrations: { count: local.length - 1, lastTag: local.at(-2)!.tag, hashes: local.slice(0, -1).map((m) => m.hash) } };
      older = writeBackupLines([JSON.stringify(olderManifest), ...rows]);
      const result = await restoreBackup(older, db);
      expect(result.laterMigrations).to.equal(1);
      const counts = await tableCounts(db.db);
      for (const table of tables) expect(counts[table.name], table.name).to.equal(table.rows);
      // Tables kept by triggers hold the loaded rows' entries whether the backup had them or a later migration made them.
      const [active] = await queryRows<{ n: number }>(db.db, sql`select count(*)::int as n from households where status = 'active'`);
      expect(counts.household_keys, 'household_keys').to.equal(active!.n).and.be.greaterThan(0);
    } finally {
      await db.close();
      await target.dispose();
      if (older) fs.rmSync(path.dirname(older), { recursive: true, force: true });
    }
  });

  it('refuses corrupted, truncated, foreign and newer files, and a non-empty target, leaving the target unchanged', async () => {
    const { file } = await takeBackup(admin, t);
    const bytes = fs.readFileSync(file);
    const lines = backupLines(file);
    const manifest = JSON.parse(lines[0]!);
    const cases: { what: string; make: () => string; code: string }[] = [
      { what: 'truncated', code: 'BACKUP_TRUNCATED', make: () => { const f = copyOf(file); fs.writeFileSync(f, bytes.subarray(0, Math.floor(bytes.length / 2))); return f; } },
      { what: 'a flipped byte', code: 'BACKUP_CORRUPT', make: () => { const f = copyOf(file); const b = Buffer.from(bytes); b[Math.floor(b.length / 2)]! ^= 0x55; fs.writeFileSync(f, b); return f; } },
      { what: 'checksum file mismatch', code: 'BACKUP_CORRUPT', make: () => { const f = copyOf(file, true); fs.writeFileSync(f + '.sha256', `${'0'.repeat(64)}  x\n`); return f; } },
      // Re-compressed with one character of a row changed: gzip is happy, the trailer's SHA-256 is not.
      { what: 'an edited row', code: 'BACKUP_CORRUPT', make: () => { const f = copyOf(file); fs.writeFileSync(f, zlib.gzipSync(zlib.gunzipSync(bytes).toString('utf8').replace('"household_code":"A1"', '"household_code":"A7"'))); return f; } },
      { what: 'a foreign gzip', code: 'BACKUP_FOREIGN', make: () => writeBackupLines(['{"hello":"world"}']) },
      { what: 'not gzip at all', code: 'BACKUP_FOREIGN', make: () => { const f = copyOf(file); fs.writeFileSync(f, 'PK\u0003\u0004 a spreadsheet'); return f; } },
      { what: 'a newer version', code: 'BACKUP_TOO_NEW', make: () => writeBackupLines([JSON.stringify({ ...manifest, migrations: { count: 99, lastTag: 'x', hashes: Array(99).fill('a'.repeat(64)) } }), ...lines.slice(1)]) },
      { what: 'another migration history', code: 'BACKUP_MIGRATIONS_DIFFER', make: () => writeBackupLines([JSON.stringify({ ...manifest, migrations: { ...manifest.migrations, hashes: manifest.migrations.hashes.map(() => 'b'.repeat(64)) } }), ...lines.slice(1)]) },
    ];
    // A non-empty target (the source itself, forced): any refusal must leave every table as it was.
    const other = await startTestServer({ engine: mainEngine, env: { BACKUP_AT: 'off' } });
    try {
      await loadReportFixture(await other.admin());
      const before = await fingerprint(other.registry.deps.db);
      for (const c of cases) {
        const f = c.make();
        let code = 'no error';
        try {
          await restoreBackup(f, other.registry.database, { force: true });
        } catch (err) {
          code = (err as { code?: string }).code ?? String(err);
        }
        expect(code, c.what).to.equal(c.code);
        expect(await fingerprint(other.registry.deps.db), c.what).to.deep.equal(before);
        fs.rmSync(path.dirname(f), { recursive: true, force: true });
      }
      // A well-formed file the database refuses half-way (a household of a ward that does not exist): rolled back.
      const bad = writeBackupLines(lines.map((l) => (l.includes('"household_code":"B2"') ? l.replace(/"ward_code":"\d+"/, '"ward_code":"99999"') : l)));
      let code = 'no error';
      try {
        await restoreBackup(bad, other.registry.database, { force: true });
      } catch (err) {
        code = (err as { code?: string }).code ?? String(err);
      }
      fs.rmSync(path.dirname(bad), { recursive: true, force: true });
      expect(code).to.not.equal('no error');
      expect(await fingerprint(other.registry.deps.db), 'after a failed load').to.deep.equal(before);
      // Without --force a non-empty target is refused before anything is done.
      code = 'no error';
      try {
        await restoreBackup(file, other.registry.database);
      } catch (err) {
        code = (err as { code?: string }).code ?? String(err);
      }
      expect(code).to.equal('RESTORE_TARGET_NOT_EMPTY');
      expect(await fingerprint(other.registry.deps.db)).to.deep.equal(before);
    } finally {
      await other.close();
    }
    // An empty target stays empty after a refusal.
    const target = await emptyTarget(mainEngine);
    const db = await target.open();
    const f = copyOf(file);
    try {
      fs.writeFileSync(f, bytes.subarray(0, bytes.length - 100));
      let code = 'no error';
      try {
        await restoreBackup(f, db);
      } catch (err) {
        code = (err as { code?: string }).code ?? String(err);
      }
      expect(code).to.equal('BACKUP_TRUNCATED');
      expect(await targetIsEmpty(db.db)).to.equal(true);
    } finally {
      await db.close();
      await target.dispose();
      fs.rmSync(path.dirname(f), { recursive: true, force: true });
    }
  });
});

