/**
 * Issue 15: a household search ranks households whose head name matches ahead of those matching only by code,
 * address or a member — on the server, across pages: keyset cursors forward and back, OFFSET pages and the exact
 * total agree with one ranked order.
 */
import { expect } from 'chai';
import { startTestServer, WARDS, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { createHousehold } from '../support/households.ts';
import { SEARCH_PLAN } from '../../server/domain/households/repository.ts';

const [W1, W2] = [WARDS[0]!, WARDS[1]!];

const member = (name: string) => ({ name, birthYear: 1980, sex: 'female', relation: 'con', idNumber: null, hasHealthInsurance: true, inSchool: false });

/** code → [ward, head name, address, other member]; matches of "lan" noted. */
const HOUSEHOLDS: Record<string, [string, string, string, string]> = {
  'SR-01': [W1, 'Phạm Văn Bình', '1 Đường Tô Ký', 'Trần Thị Lan'], // member
  'SR-02': [W1, 'Lê Văn Hùng', '5 Hẻm Lan Anh', 'Lê Thị Mơ'], // address
  'SR-LAN': [W1, 'Võ Văn Tám', '9 Đường Tô Ký', 'Võ Thị Hà'], // code
  'SR-07': [W1, 'Nguyễn Thị Lan', '7 Đường Tô Ký', 'Nguyễn Văn Út'], // head
  'SR-08': [W1, 'Phan Thị Lan Anh', '8 Đường Tô Ký', 'Phan Văn Tý'], // head
  'SR-03': [W2, 'Đặng Thị Lạn', '3 Đường Tô Ký', 'Đặng Văn Tèo'], // head (accent-free match)
  'SR-04': [W2, 'Bùi Văn Tư', '4 Đường Tô Ký', 'Lan'], // member
  'SR-09': [W2, 'Mai Văn Khoa', '10 Đường Tô Ký', 'Mai Thị Cúc'], // no match
  // "la n" spans the end of SR-10's head name and its address: a match, but not of the head name.
  'SR-10': [W2, 'Hồ Văn La', 'Nhà 7 Tô Ký', 'Hồ Thị Mai'],
  'SR-11': [W2, 'Trần La Ngọc', '11 Đường Tô Ký', 'Trần Văn Sáu'],
};

/** The ranked order of "lan": head-name matches by (ward, code), then the others by (ward, code). */
const RANKED = ['SR-07', 'SR-08', 'SR-03', 'SR-01', 'SR-02', 'SR-LAN', 'SR-04'];

// Both ways of reading a search page: one ranked query (few matches) and two (ward, code) range scans (many).
for (const fewMatches of [SEARCH_PLAN.fewMatches, 0]) describe(`households: search ranks head-name matches first, across pages (${fewMatches ? 'one ranked query' : 'two range scans'})`, function () {
  this.timeout(120_000);
  let t: TestServer;
  let district: ApiClient;
  let ward1: ApiClient;

  const saved = SEARCH_PLAN.fewMatches;
  beforeEach(() => void (SEARCH_PLAN.fewMatches = fewMatches));
  afterEach(() => void (SEARCH_PLAN.fewMatches = saved));
  before(async () => {
    t = await startTestServer();
    const admin = await t.admin();
    for (const [code, [wardCode, headName, address, other]] of Object.entries(HOUSEHOLDS)) {
      await createHousehold(admin, { wardCode, householdCode: code, headName, address, headIdNumber: null, members: [{ ...member(headName), relation: 'chủ hộ' }, member(other)] });
    }
    district = await t.as('district');
    ward1 = await t.as('ward', W1);
  });
  after(async () => t?.close());

  const codes = (res: { body: { data: { householdCode: string }[] } }) => res.body.data.map((x) => x.householdCode);
  const list = (client: ApiClient, q: string, size: number, page: number, cursor?: string | null) =>
    client.get(`/api/households?q=${encodeURIComponent(q)}&pageSize=${size}&page=${page}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);

  for (const size of [3, 2]) {
    it(`pages of ${size}: cursors forward and back and OFFSET pages give the one ranked order, total exact`, async () => {
      const pages = Math.ceil(RANKED.length / size);
      const walked: string[][] = [];
      let cursor: string | null = null;
      for (let page = 1; page <= pages; page++) {
        const res = await list(district, 'lan', size, page, cursor);
        expect(res.status).to.equal(200);
        expect(res.body.meta.total, `page ${page}`).to.equal(RANKED.length);
        walked.push(codes(res));
        cursor = res.body.meta.nextCursor;
        // A bookmarked page number (OFFSET) shows the same rows as the cursor's page.
        expect(codes(await list(district, 'lan', size, page)), `offset page ${page}`).to.deep.equal(walked[page - 1]);
      }
      expect(cursor).to.equal(null);
      expect(walked.flat()).to.deep.equal(RANKED);
      // Back from the last page with the previous cursors.
      let res = await list(district, 'lan', size, pages);
      for (let page = pages; page > 1; page--) {
        res = await list(district, 'lan', size, page - 1, res.body.meta.prevCursor);
        expect(codes(res), `back to page ${page - 1}`).to.deep.equal(walked[page - 2]);
      }
    });
  }

  it('accents and case do not change the rank; a match spanning head name and address is not a head match', async () => {
    expect(codes(await list(district, 'LẠN'.normalize('NFD'), 50, 1))).to.deep.equal(RANKED);
    // SR-11's head name holds "la n"; SR-10 matches only across "…La" + "Nhà…": ranked after, though its code is first.
    expect(codes(await list(district, 'la n', 50, 1))).to.deep.equal(['SR-11', 'SR-10']);
    // Without a search the list stays in (ward, code) order.
    expect(codes(await ward1.get('/api/households?pageSize=50'))).to.deep.equal(['SR-01', 'SR-02', 'SR-07', 'SR-08', 'SR-LAN']);
  });

  it("a ward officer's search is ranked within the ward; a cursor without a rank is read as a page number", async () => {
    const first = await list(ward1, 'lan', 2, 1);
    expect(codes(first)).to.deep.equal(['SR-07', 'SR-08']);
    expect(first.body.meta.total).to.equal(5);
    const second = await list(ward1, 'lan', 2, 2, first.body.meta.nextCursor);
    expect(codes(second)).to.deep.equal(['SR-01', 'SR-02']);
    // A plain list's cursor (no rank) sent with a search: page 2 by OFFSET, never a mixed-up keyset.
    const plain = (await ward1.get('/api/households?pageSize=2')).body.meta.nextCursor;
    expect(codes(await list(ward1, 'lan', 2, 2, plain))).to.deep.equal(['SR-01', 'SR-02']);
  });
});
