/**
 * Issue 16 proof (`npm run test:scale`; the clusters come from test/scale/clusters.sh): two app processes, A and B,
 * on one PostgreSQL primary, each reading reports and lists from a streaming replica.
 * - both start at once: one migrates and seeds under the advisory lock, the other waits;
 * - an upload on A is polled, downloaded annotated and committed on B;
 * - A killed with SIGKILL mid-validation: B takes the job over after the heartbeat lapses and finishes it;
 * - a household saved on A appears at once in a list read on B (every time);
 * - a report read on B is served by the replica (the replica's pg_stat_activity and statistics say so) and counts
 *   an import committed on A once the replica has replayed it.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startServerProcess, type ServerProcess, type ServerStore } from '../support/faults-server.ts';
import { ApiClient } from '../support/http.ts';
import { col, surveyRows, uploadWorkbook, waitForImport, workbookBuffer, writeSurveyWorkbook } from '../support/workbooks.ts';

const env = process.env;
const PRIMARY = env.SCALE_PRIMARY_URL ?? '';
const REPLICA = env.SCALE_REPLICA_URL ?? '';
const WARD = '26770';
const ROUND = 2019;
const PASSWORD = 'scale-password-123';

async function superQuery<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scale: two instances, one primary, one streaming replica (issue 16)', function () {
  this.timeout(600_000);
  const secret = crypto.randomBytes(32).toString('base64');
  const dirs: string[] = [];
  const store = (name: string): ServerStore => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `shn-scale-${name}-`));
    dirs.push(dataDir);
    return { dataDir, databaseUrl: PRIMARY, dispose: async () => {} };
  };
  const instanceEnv = (name: string) => ({
    DATABASE_READ_URL: REPLICA,
    // Every instance must hash tokens with the same key: a token issued by A is checked by B.
    SESSION_SECRET: secret,
    INSTANCE_ID: `scale-${name}`,
    IMPORT_HEARTBEAT_SECONDS: '1',
    LOG_LEVEL: 'warn',
  });
  let a: ServerProcess;
  let b: ServerProcess;
  const storeA = () => store('a');
  let onA: { admin: ApiClient; ward: ApiClient };
  let onB: { admin: ApiClient; ward: ApiClient; district: ApiClient };

  before(async function () {
    if (!PRIMARY || !REPLICA) this.skip();
    // LOG_LEVEL=warn hides the "listening" line startServerProcess waits for: keep info for the start.
    [a, b] = await Promise.all([startServerProcess(storeA(), { ...instanceEnv('a'), LOG_LEVEL: 'info' }), startServerProcess(store('b'), { ...instanceEnv('b'), LOG_LEVEL: 'info' })]);
    const adminA = await a.admin();
    for (const [username, role, wardCode] of [['scale-ward', 'ward', WARD], ['scale-district', 'district', null]] as const) {
      const res = await adminA.post('/api/users', { username, password: PASSWORD, role, wardCode, mustChangePassword: false });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
    const token = async (base: string, username: string) => {
      const res = await new ApiClient(base).post('/api/auth/token', { username, password: PASSWORD });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body.token as string;
    };
    const wardToken = await token(a.baseUrl, 'scale-ward');
    onA = { admin: adminA, ward: new ApiClient(a.baseUrl, wardToken) };
    // Tokens are rows in the shared database: the one issued by A works on B.
    onB = { admin: new ApiClient(b.baseUrl, adminA.token), ward: new ApiClient(b.baseUrl, wardToken), district: new ApiClient(b.baseUrl, await token(b.baseUrl, 'scale-district')) };
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('both instances started together; one migrated and seeded (one admin, one set of wards)', async () => {
    const [ha, hb] = [(await onA.admin.get('/api/health')).body, (await onB.admin.get('/api/health')).body];
    expect(ha.migrations).to.equal(hb.migrations);
    expect([ha.instance, hb.instance]).to.deep.equal(['scale-a', 'scale-b']);
    expect(hb.databaseReadUrl).to.match(/:5442\//).and.not.to.contain(new URL(REPLICA).password);
    expect(hb.replica).to.include({ ok: true, inRecovery: true });
    expect(hb.replica.lagBytes).to.be.a('number');
    const [admins] = await superQuery<{ n: number }>(PRIMARY, "select count(*)::int as n from users where username = 'admin'");
    expect(admins!.n).to.equal(1);
  });

  it('upload on A; poll, annotated workbook and commit on B', async () => {
    const rows = surveyRows(8, { wards: [WARD], codePrefix: 'SCA' });
    rows[3]![col('Số nhân khẩu')] = 'abc';
    const res = await uploadWorkbook(onA.ward, await workbookBuffer([{ name: 'Hộ', rows }]));
    expect(res.status).to.equal(202);
    const validated = await waitForImport(onB.ward, res.body.id);
    expect(validated.status).to.equal('validated');
    expect(validated.summary).to.include({ rows: 8, valid: 7, invalid: 1 });
    const annotated = await onB.ward.get(`/api/imports/${res.body.id}/annotated.xlsx`);
    expect(annotated.status).to.equal(200);
    expect(annotated.body.subarray(0, 2).toString()).to.equal('PK');
    expect((await onB.ward.post(`/api/imports/${res.body.id}/commit`, { skipInvalid: true })).status).to.equal(202);
    expect((await waitForImport(onA.ward, res.body.id)).status).to.equal('committed');
    // Committed: nothing of the import is left but its record.
    const [left] = await superQuery<{ n: number }>(PRIMARY, 'select count(*)::int as n from import_chunks where import_id = $1', [res.body.id]);
    expect(left!.n).to.equal(0);
  });

  it('A killed with SIGKILL mid-validation: B takes the job over and finishes it', async () => {
    const file = path.join(dirs[0]!, 'big.xlsx');
    await writeSurveyWorkbook(file, { households: 10_000, codePrefix: 'SCK', wards: [WARD] });
    const res = await uploadWorkbook(onA.ward, fs.readFileSync(file));
    expect(res.status).to.equal(202);
    const id = res.body.id as string;
    // Kill A once its parse is visibly under way.
    for (let i = 0; ; i++) {
      const r = (await onB.ward.get(`/api/imports/${id}`)).body;
      if (r.status === 'parsing' && r.progress.processedRows > 0) break;
      expect(r.status, 'still running when A is killed').to.be.oneOf(['queued', 'parsing']);
      expect(i).to.be.below(1200);
      await sleep(100);
    }
    const [claim] = await superQuery<{ claimed_by: string }>(PRIMARY, 'select claimed_by from imports where id = $1', [id]);
    expect(claim!.claimed_by).to.equal('scale-a');
    await a.kill();
    const done = await waitForImport(onB.ward, id, 400_000);
    const [row] = await superQuery<{ attempts: number; claimed_by: string | null }>(PRIMARY, 'select attempts, claimed_by from imports where id = $1', [id]);
    expect(done.status, JSON.stringify(done.failure)).to.equal('validated');
    expect(done.summary.rows).to.equal(10_000);
    expect(row!.attempts).to.equal(2);
    expect((await onB.ward.delete(`/api/imports/${id}`)).status).to.equal(200);
    // A comes back for the next tests (its own data folder; nothing of the killed run is left in it).
    a = await startServerProcess(storeA(), { ...instanceEnv('a'), LOG_LEVEL: 'info' });
    onA = { admin: new ApiClient(a.baseUrl, onA.admin.token), ward: new ApiClient(a.baseUrl, onA.ward.token) };
  });

  it('a household saved on A is in the list read on B at once, every time (the list is read from the replica)', async () => {
    const before = (await onB.admin.get('/api/health')).body.replica.reads;
    let seen = 0;
    const runs = 20;
    for (let i = 0; i < runs; i++) {
      const code = `SCH-${i}-${crypto.randomUUID().slice(0, 6)}`;
      const saved = await onA.ward.post('/api/households', { wardCode: WARD, householdCode: code, address: `${i} Đường Số 9`, area: 'urban', headName: 'Trần Thị Nhân Bản', members: [] });
      expect(saved.status, JSON.stringify(saved.body)).to.equal(201);
      const list = await onB.ward.get(`/api/households?q=${encodeURIComponent(code)}`);
      if (list.body.meta.total === 1) seen++;
    }
    expect(seen).to.equal(runs);
    const after = (await onB.admin.get('/api/health')).body.replica.reads;
    expect(after.replica + after.primary - before.replica - before.primary).to.equal(runs);
    // Most reads waited a few ms for the replica; a read whose replica lagged past READ_REPLICA_WAIT_MS used the primary.
    expect(after.replica - before.replica).to.be.greaterThan(0);
    console.log(`      list reads on B: ${after.replica - before.replica} from the replica, ${after.primary - before.primary} from the primary (replica lagged past READ_REPLICA_WAIT_MS)`);
  });

  it("a report read on B comes from the replica and counts A's commit once the replica has replayed it", async () => {
    const report = async () => (await onB.district.get(`/api/reports/rates?round=${ROUND}&standard=city`)).body.rows.find((r: any) => r.code === WARD);
    const first = await report();
    // The replica's own view: B's read connections last ran the report's grouped scan of the list masks.
    const activity = await superQuery<{ query: string }>(env.SCALE_REPLICA_SU_URL!, "select query from pg_stat_activity where application_name = 'shn:scale-b-read'");
    expect(activity.map((x) => x.query).join('\n')).to.match(/city_poor_mask/);

    // An import committed on A: poor households for the ward and round.
    const rows = surveyRows(40, { wards: [WARD], codePrefix: `SCR${Date.now() % 10000}-`, round: ROUND });
    const res = await uploadWorkbook(onA.ward, await workbookBuffer([{ name: 'Hộ', rows }]));
    const validated = await waitForImport(onA.ward, res.body.id);
    expect(validated.status).to.equal('validated');
    const poor = validated.summary.categories.poor as number;
    expect(poor).to.be.greaterThan(0);
    expect((await onA.ward.post(`/api/imports/${res.body.id}/commit`, {})).status).to.equal(202);
    expect((await waitForImport(onA.ward, res.body.id)).status).to.equal('committed');
    const [{ lsn }] = (await superQuery<{ lsn: string }>(env.SCALE_PRIMARY_SU_URL!, 'select pg_current_wal_flush_lsn()::text as lsn')) as [{ lsn: string }];
    for (let i = 0; ; i++) {
      const [r] = await superQuery<{ ok: boolean }>(env.SCALE_REPLICA_SU_URL!, 'select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [lsn]);
      if (r!.ok) break;
      expect(i, 'replica replays the commit').to.be.below(300);
      await sleep(20);
    }
    const reads = (await onB.admin.get('/api/health')).body.replica.reads.replica;
    const after = await report();
    expect(after.poor.end - first.poor.end).to.equal(poor);
    expect((await onB.admin.get('/api/health')).body.replica.reads.replica).to.be.greaterThan(reads);
  });
});
