/**
 * Issue 17 — the keys of name candidates (household_keys, migration 0009): the database folds names and addresses
 * exactly as fold() of text.ts does, finds the head's birth year as the rules say, and keeps the keys on every write
 * path (API create/update/archive, import, any SQL update, a restored backup), so GET /api/duplicates?kind=name lists
 * the same pairs as before with no per-request folding.
 */
import { expect } from 'chai';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../server/db/client.ts';
import { fold } from '../../server/domain/text.ts';
import { restoreBackup } from '../../server/domain/backups/restore.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { householdBody } from '../support/households.ts';
import { col, surveyRows, uploadWorkbook, waitForImport, workbookBuffer } from '../support/workbooks.ts';
import { emptyTarget, otherEngine } from '../support/backups.ts';

const WARD_A = '26764';
const WARD_B = '26767';
const NFD = (s: string) => s.normalize('NFD');
const member = (name: string, birthYear: number, relation: string) => ({ name, birthYear, sex: 'female', relation, idNumber: null, hasHealthInsurance: true, inSchool: false });

/** Text a person may type or paste: every case of đ/Đ, NFD (macOS), runs of white space JS counts as \s. */
const TRICKY = [
  'Nguyễn Văn Đức', 'ĐẶNG THỊ ĐÀO', 'đặng thị đào', NFD('Đặng Thị Đào'), NFD('ĐẶNG THỊ ĐÀO'), 'Trần  Thị\tBé ', '  Lê\u00a0Văn\u3000Một\ufeff',
  'Ơ Ư ơ ư Ă ă Â â Ê ê Ô ô Ỷ ỹ Ỵ', 'Huỳnh\u2028Thị\u2029Ánh\u205fXuân\u202fMai\u1680Hạ\u2000Thu\u200aĐông', 'a\u000bb\u000cc\r\nd',
  '12/3 Hẻm Tô Ký, P. Tân Chánh Hiệp', 'Ü ñ Ç é', 'Cha mẹ', 'CHỦ HỘ', NFD('Chủ hộ'), '', '   ', 'x',
];

describe('duplicates: stored name keys (issue 17)', function () {
  this.timeout(180_000);
  let t: TestServer;
  let district: ApiClient;
  let wardA: ApiClient;
  let wardB: ApiClient;
  const ids: Record<string, any> = {};

  before(async function () {
    this.timeout(300_000);
    t = await startTestServer();
    district = await t.as('district');
    wardA = await t.as('ward', WARD_A);
    wardB = await t.as('ward', WARD_B);
  });
  after(async () => t?.close());

  const db = (): Executor => t.registry.deps.db;
  const namePairs = async (client: ApiClient, query = ''): Promise<Map<string, string[]>> => {
    const res = await client.get(`/api/duplicates?kind=name&pageSize=200${query}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return new Map(res.body.data.map((p: any) => [p.households.map((h: any) => h.id ?? h.wardCode).sort().join('+'), p.reasons]));
  };
  const key = (...xs: string[]) => xs.map((x) => ids[x].id).sort().join('+');

  it('shn_fold() in the database is fold() of text.ts, on tricky Vietnamese input', async () => {
    for (const s of TRICKY) {
      const [r] = await queryRows<{ f: string }>(db(), sql`select shn_fold(${s}) as f`);
      expect(r!.f, JSON.stringify(s)).to.equal(fold(s));
    }
    const [n] = await queryRows<{ f: string | null }>(db(), sql`select shn_fold(null) as f`);
    expect(n!.f).to.equal(null);
  });

  it('shn_head_birth_year(): the member whose relation folds to "chu ho", else the first member', async () => {
    const cases: [unknown, number | null][] = [
      [[member('A', 1960, 'Chủ hộ'), member('B', 1990, 'Con')], 1960],
      [[member('B', 1990, 'Con'), member('A', 1961, 'CHỦ  HỘ ')], 1961],
      [[member('B', 1990, 'Con'), member('A', 1962, NFD('chủ hộ'))], 1962],
      [[member('B', 1990, 'Con'), member('A', 1963, 'chu ho'), member('C', 1964, 'Chủ hộ')], 1963],
      [[member('B', 1990, 'Con'), member('C', 1991, 'Vợ')], 1990],
      [[member('B', 1992, 'Con'), { name: 'A', relation: 'Chủ hộ' }], 1992],
      [[{ name: 'A', relation: 'Chủ hộ' }, member('B', 1993, 'Con')], null],
      [[{ name: 'A', birthYear: 'unknown', relation: 'Chủ hộ' }], null],
      [[], null],
      [{ not: 'an array' }, null],
    ];
    for (const [members, year] of cases) {
      const [r] = await queryRows<{ y: number | null }>(db(), sql`select shn_head_birth_year(${JSON.stringify(members)}::jsonb) as y`);
      expect(r!.y, JSON.stringify(members)).to.equal(year);
    }
  });

  it('API writes: created, updated and archived households pair by accent-free name + birth year in a ward, or name + address', async () => {
    const create = async (client: ApiClient, name: string, body: Record<string, unknown>) => {
      const res = await client.post('/api/households', householdBody({ headIdNumber: null, ...body }));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      ids[name] = res.body;
    };
    await create(wardA, 'a', { wardCode: WARD_A, headName: NFD('Đặng  Thị Đào'), address: '5 Đường Số 1', members: [member('Đặng Thị Đào', 1970, 'Chủ hộ')] });
    await create(wardA, 'b', { wardCode: WARD_A, headName: 'ĐẶNG THỊ ĐÀO', address: '9 Hẻm Khác', members: [member('Phan Văn Út', 1995, 'Con'), member('ĐẶNG THỊ ĐÀO', 1970, 'CHỦ HỘ')] });
    await create(wardB, 'c', { wardCode: WARD_B, headName: 'dang thi dao', address: NFD('5  ĐƯỜNG SỐ 1'), members: [member('dang thi dao', 1980, 'chủ hộ')] });
    await create(wardB, 'd', { wardCode: WARD_B, headName: 'Đặng Thị Đào', address: '7 Nơi Khác', members: [member('Đặng Thị Đào', 1970, 'Chủ hộ')] });
    let pairs = await namePairs(district);
    expect(pairs.get(key('a', 'b'))).to.deep.equal(['name_birth_year']);
    expect(pairs.get(key('a', 'c'))).to.deep.equal(['name_address']);
    expect(pairs.has(key('a', 'd')), 'same name and year in another ward, another address').to.equal(false);
    expect(pairs.has(key('b', 'c'))).to.equal(false);

    // The ward filter and a ward officer see the same pairs of their ward (the other side reduced to its ward).
    expect([...(await namePairs(district, `&ward=${WARD_A}`)).keys()].sort()).to.include.members([key('a', 'b'), key('a', 'c')]);
    const scoped = await namePairs(wardB);
    expect(scoped.get([ids.c.id, WARD_A].sort().join('+'))).to.deep.equal(['name_address']);

    // An update that changes the name drops the pair; one that changes it back brings it back.
    const renamed = await district.patch(`/api/households/${ids.c.id}`, { headName: 'Đặng Thị Hoa' }, { 'if-match': `"${ids.c.version}"` });
    expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
    expect((await namePairs(district)).has(key('a', 'c'))).to.equal(false);
    const back = await district.patch(`/api/households/${ids.c.id}`, { headName: 'Đặng Thị  Đào' }, { 'if-match': `"${renamed.body.version}"` });
    expect(back.status, JSON.stringify(back.body)).to.equal(200);
    ids.c = back.body;
    expect((await namePairs(district)).get(key('a', 'c'))).to.deep.equal(['name_address']);

    // A new head birth year (members changed) drops the birth-year pair; archiving drops every pair of the household.
    const older = await district.patch(`/api/households/${ids.b.id}`, { members: [member('ĐẶNG THỊ ĐÀO', 1971, 'Chủ hộ')] }, { 'if-match': `"${ids.b.version}"` });
    expect(older.status, JSON.stringify(older.body)).to.equal(200);
    pairs = await namePairs(district);
    expect(pairs.has(key('a', 'b'))).to.equal(false);
    const archived = await district.delete(`/api/households/${ids.a.id}`, { reason: 'moved' }, { 'if-match': `"${ids.a.version}"` });
    expect(archived.status, JSON.stringify(archived.body)).to.equal(200);
    expect((await namePairs(district)).has(key('a', 'c'))).to.equal(false);
    const [kept] = await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from household_keys where household_id = ${ids.a.id}`);
    expect(kept!.n, 'archived households hold no keys').to.equal(0);
  });

  it('an import and a plain SQL update keep the keys too; paging splits the same list', async () => {
    const rows = surveyRows(2, { wards: [WARD_B], codePrefix: 'KEY' });
    rows[1]![col('Họ tên chủ hộ')] = 'ĐẶNG   THỊ ĐÀO';
    rows[1]![col('Địa chỉ')] = '5 đường số 1';
    const up = await uploadWorkbook(wardB, await workbookBuffer([{ name: 'Hộ', rows }]));
    expect(up.status, JSON.stringify(up.body)).to.equal(202);
    expect((await waitForImport(wardB, up.body.id)).status).to.equal('validated');
    expect((await wardB.post(`/api/imports/${up.body.id}/commit`, {})).status).to.equal(202);
    expect((await waitForImport(wardB, up.body.id)).status).to.equal('committed');
    const [imported] = await queryRows<{ id: string }>(db(), sql`select id from households where household_code = 'KEY000000'`);
    ids.imported = imported;
    expect((await namePairs(district)).get(key('c', 'imported'))).to.deep.equal(['name_address']);

    await queryRows(db(), sql`update households set address = 'Ấp Mới' where id = ${ids.imported.id} returning id`);
    expect((await namePairs(district)).has(key('c', 'imported'))).to.equal(false);

    // Every active household's keys are fold() of its row, and archived ones have none.
    const stored = await queryRows<{ id: string; status: string; headName: string; address: string; nameKey: string | null; addressKey: string | null }>(
      db(),
      sql`select h.id, h.status, h.head_name as "headName", h.address, k.name_key as "nameKey", k.address_key as "addressKey"
          from households h left join household_keys k on k.household_id = h.id`,
    );
    expect(stored.length).to.be.greaterThan(4);
    for (const h of stored) {
      if (h.status === 'active') expect([h.nameKey, h.addressKey], h.id).to.deep.equal([fold(h.headName), fold(h.address)]);
      else expect(h.nameKey, h.id).to.equal(null);
    }

    for (const n of [1, 2, 3]) {
      const res = await wardA.post('/api/households', householdBody({ wardCode: WARD_A, headIdNumber: null, headName: 'Lý Văn Tám', address: `${n} Ngõ ${n}`, members: [member('Lý Văn Tám', 1950, 'Chủ hộ')] }));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
    const all = await district.get('/api/duplicates?kind=name&pageSize=200');
    const total = all.body.meta.total;
    expect(total).to.equal(3);
    const first = await district.get('/api/duplicates?kind=name&pageSize=1&page=1');
    const second = await district.get('/api/duplicates?kind=name&pageSize=1&page=2');
    expect([first.body.meta.total, second.body.meta.total]).to.deep.equal([total, total]);
    expect([first.body.data[0].id, second.body.data[0].id]).to.deep.equal(all.body.data.slice(0, 2).map((p: any) => p.id));
  });

  it('a restored backup (other engine) lists the same name pairs, and its keys follow later writes', async () => {
    const before = await namePairs(district);
    expect(before.size).to.be.at.least(1);
    const res = await (await t.admin()).post('/api/admin/backups', {});
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const target = await emptyTarget(otherEngine(t.registry.deps.engine));
    try {
      const database = await target.open();
      try {
        await restoreBackup(path.join(t.config.backupDir, res.body.name), database);
      } finally {
        await database.close();
      }
      const served = await target.serve();
      try {
        const admin = await served.admin();
        const listed = await admin.get('/api/duplicates?kind=name&pageSize=200');
        expect(listed.status, JSON.stringify(listed.body)).to.equal(200);
        const restored = new Map(listed.body.data.map((p: any) => [p.households.map((h: any) => h.id).sort().join('+'), p.reasons]));
        expect(restored).to.deep.equal(before);
        const d = (await admin.get(`/api/households/${ids.d.id}`)).body;
        const moved = await admin.patch(`/api/households/${ids.d.id}`, { address: '5 Đường Số 1' }, { 'if-match': `"${d.version}"` });
        expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
        const after = await admin.get('/api/duplicates?kind=name&pageSize=200');
        expect(after.body.data.find((p: any) => p.households.some((h: any) => h.id === ids.d.id) && p.households.some((h: any) => h.id === ids.c.id))?.reasons).to.deep.equal(['name_address']);
      } finally {
        await served.close();
      }
    } finally {
      await target.dispose();
    }
  });
});
