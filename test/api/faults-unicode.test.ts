/**
 * Issue 9 item 8 — Unicode: NFD input (macOS, some Vietnamese keyboards) is stored as NFC; an NFD query finds the NFC
 * record; a name typed with and without diacritics finds the same single household.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { figure } from '../support/faults.ts';

const NAME = 'Nguyễn Thị Ánh Tuyết';
const ADDRESS = '12 Đường Lê Văn Khương, Khu phố Hiệp Thành';
const MEMBER = 'Đặng Quốc Hưng';
const nfd = (s: string) => s.normalize('NFD');

describe('faults · item 8: Unicode normalisation and accent-insensitive search', function () {
  this.timeout(120_000);
  let t: TestServer;
  let client: ApiClient;
  let id: string;
  before(async () => {
    t = await startTestServer();
    client = await t.as('ward', '26770');
  });
  after(async () => t?.close());

  it('NFD input is stored as NFC in every text field', async () => {
    expect(nfd(NAME)).to.not.equal(NAME);
    const res = await client.post('/api/households', {
      wardCode: '26770', householdCode: 'UNI-1', area: 'urban', headName: nfd(NAME), address: nfd(ADDRESS),
      members: [{ name: nfd(MEMBER), birthYear: 1980, sex: 'male', relation: nfd('Con trai'), hasHealthInsurance: true }],
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    id = res.body.id;
    const [row] = await queryRows<{ head_name: string; address: string; members: { name: string; relation: string }[] }>(t.registry.deps.db, sql`select head_name, address, members from households where id = ${id}`);
    const stored = [row!.head_name, row!.address, row!.members[0]!.name, row!.members[0]!.relation];
    const nfc = stored.filter((s) => s === s.normalize('NFC')).length;
    figure(8, 'NFD input stored as NFC', `${nfc}/${stored.length} fields NFC in the database (head name, address, member name, relation)`);
    expect(stored).to.deep.equal([NAME, ADDRESS, MEMBER, 'Con trai']);
    const patched = await client.patch(`/api/households/${id}`, { address: nfd('5 Hà Huy Giáp') }, { 'if-match': res.headers.get('etag')! });
    expect(patched.body.address).to.equal('5 Hà Huy Giáp');
  });

  it('an NFD query finds the NFC record, and with or without diacritics it is the same one household', async () => {
    // A second household with a similar name must not be confused with it.
    expect((await client.post('/api/households', { wardCode: '26770', householdCode: 'UNI-2', area: 'urban', headName: 'Nguyễn Thị Ánh Hồng' })).status).to.equal(201);
    const queries = [NAME, nfd(NAME), 'Nguyen Thi Anh Tuyet', 'nguyen thi anh tuyet', 'NGUYỄN THỊ ÁNH TUYẾT', nfd('ánh tuyết'), 'anh tuyet', MEMBER, 'dang quoc hung'];
    const found: string[][] = [];
    for (const q of queries) {
      const res = await client.get(`/api/households?q=${encodeURIComponent(q)}`);
      expect(res.status).to.equal(200);
      found.push(res.body.data.map((h: any) => h.id));
    }
    const one = found.filter((ids) => ids.length === 1 && ids[0] === id).length;
    figure(8, 'search: NFD and with/without diacritics', `${one}/${queries.length} queries (NFC, NFD, no diacritics, lower/upper case, member name) return exactly the one household`);
    expect(found).to.deep.equal(queries.map(() => [id]));
  });
});
