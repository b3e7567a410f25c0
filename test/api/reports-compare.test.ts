/**
 * Issue 15: the rates report comparing any two rounds (`from`), the change in points and the poor ↔ near-poor moves,
 * on the hand-computed fixture (test/support/report-fixtures.ts), and the report cache keyed by `from`.
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { FIXTURE_WARDS, loadReportFixture } from '../support/report-fixtures.ts';

/** [start, escaped, removed, fellBack, new, end] */
const six = (b: any) => [b.start, b.escaped, b.removed, b.fellBack, b.new, b.end];
const moves = (r: any) => [r.moves.poorToNearPoor, r.moves.nearPoorToPoor];
const row = (report: any, ward: keyof typeof FIXTURE_WARDS) => report.rows.find((x: any) => x.code === FIXTURE_WARDS[ward]);

describe('reports: compare any two rounds (from), points and moves', function () {
  this.timeout(120_000);
  let t: TestServer;
  let district: ApiClient;
  let wardA: ApiClient;

  before(async () => {
    t = await startTestServer();
    await loadReportFixture(await t.as('district', null, 'fixture-loader'));
    district = await t.as('district');
    wardA = await t.as('ward', FIXTURE_WARDS.A);
  });
  after(async () => t?.close());

  it('city 2015 → 2019: counts, moves, rates and points by hand (wards and district)', async () => {
    const res = await district.get('/api/reports/rates?round=2019&from=2015&standard=city');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ round: 2019, from: 2015, standard: 'city' });
    // City lists (fixture codes PP/PN/P- = poor, N- = near-poor) in 2015 and 2019:
    // A1 poor → poor (stayed); A2 off → poor (new: on no list up to 2015, though poor in 2016–2017); A3 near-poor →
    // poor (escaped near-poor, new poor, a near-poor → poor move); A4 poor, archived in 2018 → removed, never escaped.
    const a = row(res.body, 'A');
    expect(six(a.poor)).to.deep.equal([2, 0, 1, 0, 2, 3]);
    expect(six(a.nearPoor)).to.deep.equal([1, 1, 0, 0, 0, 0]);
    expect(moves(a)).to.deep.equal([0, 1]);
    // Rates: 3 / 1250 (2019) = 0.24 %, 2 / 1000 (2015) = 0.20 % → +0.04 points; near-poor 0 − 0.10 = −0.10.
    expect(a).to.deep.include({ totalHouseholds: 1250, previousTotalHouseholds: 1000, flags: [] });
    expect(a.poor).to.deep.include({ rate: 0.24, startRate: 0.2, removedRate: 0.08, newRate: 0.16 });
    expect(a.change).to.deep.equal({ poorRatePp: 0.04, nearPoorRatePp: -0.1 });
    // B1 poor → poor, B3 poor → off (escaped; poor again only in 2020); B2 off at both ends.
    const b = row(res.body, 'B');
    expect(six(b.poor)).to.deep.equal([2, 1, 0, 0, 0, 1]);
    expect(six(b.nearPoor)).to.deep.equal([0, 0, 0, 0, 0, 0]);
    expect(moves(b)).to.deep.equal([0, 0]);
    // C2 poor → off: −1/600 = −0.1667 → −0.17 points.
    const c = row(res.body, 'C');
    expect(six(c.poor)).to.deep.equal([1, 1, 0, 0, 0, 0]);
    expect(c.change.poorRatePp).to.equal(-0.17);
    // District: the sums; 4 / 10650 − 5 / 10400 = −0.0105 → −0.01 points (exact, rounded once).
    const total = res.body.total;
    expect(six(total.poor)).to.deep.equal([5, 2, 1, 0, 2, 4]);
    expect(moves(total)).to.deep.equal([0, 1]);
    expect(total).to.deep.include({ totalHouseholds: 10650, previousTotalHouseholds: 10400 });
    expect(total.poor).to.deep.include({ rate: 0.04, startRate: 0.05 });
    expect(total.change.poorRatePp).to.equal(-0.01);
    for (const r of [...res.body.rows, total]) {
      for (const list of ['poor', 'nearPoor']) {
        const x = r[list];
        expect(x.start - x.escaped - x.removed + x.fellBack + x.new, `${r.code} ${list}`).to.equal(x.end);
      }
    }
  });

  it('city 2016 → 2020: fell back (on before 2016) vs new (first listed after 2016); stayed across a gap', async () => {
    const body = (await district.get('/api/reports/rates?round=2020&from=2016')).body;
    expect(body).to.include({ from: 2016, standard: 'city' });
    // B1 poor → off (escaped); B3 poor in 2015, off in 2016, poor in 2020 → fell back; B2 first poor in 2018 → new.
    expect(six(row(body, 'B').poor)).to.deep.equal([1, 1, 0, 1, 1, 2]);
    // A2 poor in 2016 and 2020 (off in 2018) stays; A1 escaped; A4 removed. A3 near-poor at both ends.
    expect(six(row(body, 'A').poor)).to.deep.equal([3, 1, 1, 0, 0, 1]);
    expect(six(row(body, 'A').nearPoor)).to.deep.equal([1, 0, 0, 0, 0, 1]);
    // 2/800 − 1/800 = +0.125 → +0.13 points.
    expect(row(body, 'B').change.poorRatePp).to.equal(0.13);
  });

  it('city 2015 → 2018: a poor → near-poor move over the span (C2), with the 2018 total missing', async () => {
    const c = row((await district.get('/api/reports/rates?round=2018&from=2015')).body, 'C');
    expect(six(c.poor)).to.deep.equal([1, 1, 0, 0, 0, 0]);
    expect(six(c.nearPoor)).to.deep.equal([0, 0, 0, 0, 1, 1]);
    expect(moves(c)).to.deep.equal([1, 0]);
    expect(c.flags).to.deep.equal(['TOTAL_MISSING']);
    expect(c.change).to.deep.equal({ poorRatePp: null, nearPoorRatePp: null });
  });

  it('without from (or with from = round − 1) it is the yearly report, and the trend agrees', async () => {
    const yearly = (await district.get('/api/reports/rates?round=2019')).body;
    const explicit = (await district.get('/api/reports/rates?round=2019&from=2018')).body;
    expect(yearly.from).to.equal(2018);
    expect(explicit).to.deep.equal(yearly);
    const trend = (await district.get('/api/reports/trend?from=2019&to=2019')).body;
    expect(trend.rounds[0].rows).to.deep.equal(yearly.rows);
    expect((await district.get('/api/reports/rates?round=2015')).body.from).to.equal(null);
  });

  it('rates.xlsx compares the same two rounds: named by both, headed by the rounds', async () => {
    const res = await district.get('/api/reports/rates.xlsx?round=2019&from=2015');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-disposition')).to.contain('ty-le-ho-ngheo-2015-2019-city.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(String(ws.getCell('A1').value)).to.match(/NĂM 2019 SO VỚI NĂM 2015$/);
    expect(String(ws.getCell('D5').value)).to.equal('Năm 2015 (theo Quyết định đã phê duyệt)');
    const name = row((await district.get('/api/reports/rates?round=2019&from=2015')).body, 'A').name;
    const a = ws.getColumn(2).values.findIndex((v) => v === name);
    expect(a).to.be.greaterThan(6);
    // Poor start (D), removed (J), new (N), end (P); the moves (AJ, AK) and the change in points (AL).
    expect(['D', 'J', 'N', 'P', 'AJ', 'AK', 'AL'].map((c) => ws.getCell(`${c}${a}`).value)).to.deep.equal([2, 1, 2, 3, 0, 1, 0.04]);
  });

  it('the cache and ETag are keyed by from; a write invalidates every comparison', async () => {
    const def = await district.get('/api/reports/rates?round=2019');
    const same = await district.get('/api/reports/rates?round=2019&from=2018');
    const far = await district.get('/api/reports/rates?round=2019&from=2015');
    expect(same.headers.get('etag')).to.equal(def.headers.get('etag'));
    expect(far.headers.get('etag')).to.not.equal(def.headers.get('etag'));
    expect(six(row(far.body, 'A').poor)).to.not.deep.equal(six(row(def.body, 'A').poor));
    // The yearly report's tag does not answer 304 for the comparison, nor the comparison's for the yearly one.
    expect((await district.get('/api/reports/rates?round=2019&from=2015', { 'if-none-match': def.headers.get('etag')! })).status).to.equal(200);
    expect((await district.get('/api/reports/rates?round=2019&from=2015', { 'if-none-match': far.headers.get('etag')! })).status).to.equal(304);
    expect((await district.get('/api/reports/rates?round=2019', { 'if-none-match': far.headers.get('etag')! })).status).to.equal(200);
    // A ward user's comparison is its own cache entry: its own row, no district total.
    const own = (await wardA.get('/api/reports/rates?round=2019&from=2015')).body;
    expect(own.rows.map((r: any) => r.code)).to.deep.equal([FIXTURE_WARDS.A]);
    expect(own.total).to.equal(null);
    expect(six(own.rows[0].poor)).to.deep.equal([2, 0, 1, 0, 2, 3]);
    // A new total for ward A in 2015 changes the comparison at once (a new data version, a new tag).
    expect((await district.put(`/api/units/${FIXTURE_WARDS.A}/totals/2015`, { households: 2000 })).status).to.equal(200);
    const after = await district.get('/api/reports/rates?round=2019&from=2015', { 'if-none-match': far.headers.get('etag')! });
    expect(after.status).to.equal(200);
    expect(row(after.body, 'A').poor.startRate).to.equal(0.1);
    expect(row(after.body, 'A').change.poorRatePp).to.equal(0.14);
  });

  it('validation: from must be an earlier round within ROUND_MIN..ROUND_MAX (vi and en)', async () => {
    for (const q of ['round=2019&from=2019', 'round=2019&from=2020', 'round=2019&from=2014', 'round=2015&from=2015', 'round=2019&from=x']) {
      const res = await district.get(`/api/reports/rates?${q}`);
      expect(res.status, q).to.equal(400);
      expect(res.body.error.details[0].path, q).to.equal('from');
      expect(res.body.error.details[0].message.vi, q).to.be.a('string').and.not.equal('Giá trị không hợp lệ');
    }
    const later = await district.get('/api/reports/rates?round=2017&from=2018');
    expect(later.body.error.details[0].message.en).to.contain('earlier round');
    expect((await district.get('/api/reports/rates.xlsx?round=2017&from=2018')).status).to.equal(400);
  });
});
