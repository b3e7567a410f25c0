/**
 * The rates report on the hand-computed fixture (test/support/report-fixtures.ts), created through the real API:
 * every ward, round, list and field for both standards, reconciliation, rates, missing totals and scope.
 */
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { FIXTURE_ROUNDS, FIXTURE_WARDS, loadReportFixture } from '../support/report-fixtures.ts';

type Five = [number, number, number, number, number]; // start, escaped, fellBack, new, end
type Expect = Record<'A' | 'B' | 'C', { poor: Five[]; nearPoor: Five[]; moves: [number, number][] }>;
const Z: Five = [0, 0, 0, 0, 0];
const NO: [number, number] = [0, 0];

// Worked out by hand from the histories in report-fixtures.ts (per list: start = on in Y−1; escaped = on in Y−1,
// off in Y by a review; fell back = on in Y, off in Y−1, on some earlier round; new = on in Y for the first time;
// 2015 = baseline). Issue 12: A4 (city poor 2015–2017) moved away in March 2018: in 2018 it is `removed` ("giảm
// khác"), not escaped — A's 2018 poor was [3, 2, 0, 0, 1] under the old definition, it is now 3 − 1 escaped (A2)
// − 1 removed (A4) = 1. Only that cell has a removed household (REMOVED below).
const CITY: Expect = {
  A: {
    poor: [[0, 0, 0, 2, 2], [2, 0, 0, 1, 3], [3, 0, 0, 0, 3], [3, 1, 0, 0, 1], [1, 0, 1, 1, 3], [3, 2, 0, 0, 1]],
    nearPoor: [[0, 0, 0, 1, 1], [1, 0, 0, 0, 1], [1, 1, 0, 0, 0], [0, 0, 1, 0, 1], [1, 1, 0, 0, 0], [0, 0, 1, 0, 1]],
    moves: [NO, NO, NO, NO, [0, 1], [1, 0]],
  },
  B: {
    poor: [[0, 0, 0, 2, 2], [2, 1, 0, 0, 1], [1, 0, 0, 0, 1], [1, 0, 0, 1, 2], [2, 1, 0, 0, 1], [1, 1, 2, 0, 2]],
    nearPoor: [Z, Z, [0, 0, 0, 1, 1], [1, 1, 0, 0, 0], Z, Z],
    moves: [NO, NO, NO, [0, 1], NO, NO],
  },
  C: {
    poor: [[0, 0, 0, 1, 1], [1, 1, 0, 0, 0], [0, 0, 1, 0, 1], [1, 1, 0, 0, 0], Z, Z],
    nearPoor: [Z, [0, 0, 0, 1, 1], [1, 1, 0, 0, 0], [0, 0, 1, 0, 1], [1, 1, 0, 0, 0], [0, 0, 1, 0, 1]],
    moves: [NO, [1, 0], [0, 1], [1, 0], NO, NO],
  },
};
const NATIONAL: Expect = {
  A: {
    poor: [[0, 0, 0, 1, 1], [1, 0, 0, 1, 2], [2, 1, 0, 0, 1], [1, 1, 0, 0, 0], [0, 0, 1, 1, 2], [2, 1, 0, 0, 1]],
    nearPoor: [Z, Z, [0, 0, 0, 1, 1], [1, 0, 0, 0, 1], [1, 1, 0, 0, 0], Z],
    moves: [NO, NO, [1, 0], NO, NO, NO],
  },
  B: {
    poor: [[0, 0, 0, 1, 1], [1, 1, 0, 1, 1], [1, 0, 0, 0, 1], [1, 0, 0, 0, 1], [1, 1, 0, 0, 0], [0, 0, 1, 0, 1]],
    nearPoor: [[0, 0, 0, 1, 1], [1, 1, 0, 0, 0], Z, Z, [0, 0, 1, 0, 1], [1, 1, 0, 0, 0]],
    moves: [NO, [0, 1], NO, NO, [1, 0], NO],
  },
  C: { poor: [Z, Z, Z, Z, Z, Z], nearPoor: [Z, Z, Z, Z, Z, Z], moves: [NO, NO, NO, NO, NO, NO] },
};

const five = (b: any): Five => [b.start, b.escaped, b.fellBack, b.new, b.end];
/** The one removed household: city poor, ward A, round 2018 (A4, moved away). */
const removedIn = (standard: string, ward: string, round: number, list: string) => (standard === 'city' && ward === FIXTURE_WARDS.A && round === 2018 && list === 'poor' ? 1 : 0);

describe('reports: rates and trend on the hand-computed 3-ward fixture', function () {
  this.timeout(120_000);
  let t: TestServer;
  let district: ApiClient;
  let wardB: ApiClient;

  before(async () => {
    t = await startTestServer();
    await loadReportFixture(await t.as('district', null, 'fixture-loader'));
    district = await t.as('district');
    wardB = await t.as('ward', FIXTURE_WARDS.B);
  });
  after(async () => t?.close());

  for (const [standard, table] of [['city', CITY], ['national', NATIONAL]] as const) {
    it(`${standard}: every ward, round and field; reconciliation; district sums`, async () => {
      const res = await district.get(`/api/reports/trend?from=2015&to=2020&standard=${standard}`);
      expect(res.status).to.equal(200);
      expect(res.body.rounds.map((r: any) => r.round)).to.deep.equal([...FIXTURE_ROUNDS]);
      for (const [i, r] of res.body.rounds.entries()) {
        const sums = { poor: [0, 0, 0, 0, 0], nearPoor: [0, 0, 0, 0, 0] };
        for (const [key, code] of Object.entries(FIXTURE_WARDS) as ['A' | 'B' | 'C', string][]) {
          const row = r.rows.find((x: any) => x.code === code);
          const want = table[key];
          expect(five(row.poor), `${code} ${r.round} poor`).to.deep.equal(want.poor[i]);
          expect(five(row.nearPoor), `${code} ${r.round} near-poor`).to.deep.equal(want.nearPoor[i]);
          expect([row.moves.poorToNearPoor, row.moves.nearPoorToPoor], `${code} ${r.round} moves`).to.deep.equal(want.moves[i]);
          want.poor[i]!.forEach((v, k) => (sums.poor[k]! += v));
          want.nearPoor[i]!.forEach((v, k) => (sums.nearPoor[k]! += v));
        }
        for (const row of r.rows) {
          for (const list of ['poor', 'nearPoor']) {
            expect(row[list].removed, `${row.code} ${r.round} ${list} removed`).to.equal(removedIn(standard, row.code, r.round, list));
            expect(row[list].unreviewed, `${row.code} ${r.round} ${list} unreviewed`).to.equal(0);
          }
        }
        for (const row of [...r.rows, r.total]) {
          for (const list of ['poor', 'nearPoor']) {
            const b = row[list];
            expect(b.start - b.escaped - b.removed + b.fellBack + b.new, `${row.code} ${r.round} ${list} reconciles`).to.equal(b.end);
          }
          // Nothing is approved in this fixture: every row says so, and the district total is flagged.
          expect(row.approval, `${row.code} ${r.round} approval`).to.deep.equal({ status: 'open', decisionNumber: null, decisionDate: null });
        }
        expect(r.total.flags).to.include('NOT_ALL_APPROVED');
        expect(five(r.total.poor), `district ${r.round} poor`).to.deep.equal(sums.poor);
        expect(five(r.total.nearPoor), `district ${r.round} near-poor`).to.deep.equal(sums.nearPoor);
      }
    });
  }

  it('rates: end ÷ total, start ÷ previous total, change in percentage points (city 2017 and 2019, ward A)', async () => {
    const r2017 = (await district.get('/api/reports/rates?round=2017&standard=city')).body;
    expect(r2017).to.include({ round: 2017, standard: 'city', scope: 'district' });
    const a = r2017.rows.find((x: any) => x.code === FIXTURE_WARDS.A);
    expect(a).to.deep.include({ totalHouseholds: 1200, previousTotalHouseholds: 1000, flags: [] });
    expect(a.poor).to.deep.include({ rate: 0.25, startRate: 0.3, escapedRate: 0, newRate: 0 });
    expect(a.nearPoor).to.deep.include({ rate: 0, startRate: 0.1, escapedRate: 0.08 }); // 1/1200 = 0.0833 %
    expect(a.change).to.deep.equal({ poorRatePp: -0.05, nearPoorRatePp: -0.1 });
    const r2019 = (await district.get('/api/reports/rates?round=2019&standard=city')).body;
    const a19 = r2019.rows.find((x: any) => x.code === FIXTURE_WARDS.A);
    // 3/1250 = 0.24 %; 1/1200 = 0.0833 % → 0.08; change 0.24 − 0.0833 = 0.1567 → 0.16 (exact, rounded once).
    expect(a19.poor).to.deep.include({ rate: 0.24, startRate: 0.08, fellBackRate: 0.08, newRate: 0.08 });
    expect(a19.change.poorRatePp).to.equal(0.16);
  });

  it('the district row is the sum of its wards, with rates recomputed from the sums', async () => {
    const { total } = (await district.get('/api/reports/rates?round=2017&standard=city')).body;
    // 11 wards: A 1200 + B 800 + C 600 + 8 × 1000; 2016: 1000 + 800 + 600 + 8000.
    expect(total).to.deep.include({ code: '761', totalHouseholds: 10600, previousTotalHouseholds: 10400, flags: ['NOT_ALL_APPROVED'] });
    expect(total.name).to.match(/12/);
    expect(five(total.poor)).to.deep.equal([4, 0, 1, 0, 5]);
    // 5/10600 = 0.0472 % → 0.05; 4/10400 = 0.0385 % → 0.04; change 0.0087 → 0.01.
    expect(total.poor).to.deep.include({ rate: 0.05, startRate: 0.04 });
    expect(total.change.poorRatePp).to.equal(0.01);
  });

  it('a missing total: counts shown, rate null and flagged (ward and district), never a division by 0', async () => {
    const r2018 = (await district.get('/api/reports/rates?round=2018&standard=city')).body;
    const c = r2018.rows.find((x: any) => x.code === FIXTURE_WARDS.C);
    expect(c.totalHouseholds).to.equal(null);
    expect(c.flags).to.deep.equal(['TOTAL_MISSING']);
    expect(five(c.nearPoor)).to.deep.equal([0, 0, 1, 0, 1]);
    expect(c.nearPoor.rate).to.equal(null);
    expect(c.poor.startRate).to.equal(0.17); // 1/600 of 2017
    expect(c.change.poorRatePp).to.equal(null);
    expect(r2018.total.totalHouseholds).to.equal(null);
    expect(r2018.total.flags).to.include('TOTAL_MISSING');
    expect(r2018.total.poor.rate).to.equal(null);
    expect(r2018.total.poor.end).to.equal(3);
    const c2019 = (await district.get('/api/reports/rates?round=2019&standard=city')).body.rows.find((x: any) => x.code === FIXTURE_WARDS.C);
    expect(c2019.flags).to.deep.equal(['PREVIOUS_TOTAL_MISSING']);
    expect(c2019.poor.startRate).to.equal(null);
    expect(c2019.nearPoor.rate).to.equal(0);
    expect(c2019.change.nearPoorRatePp).to.equal(null);
  });

  it('the baseline round has no start and no change', async () => {
    const r2015 = (await district.get('/api/reports/rates?round=2015&standard=national')).body;
    for (const row of [...r2015.rows, r2015.total]) {
      expect(row.flags).to.include('BASELINE_ROUND');
      expect(row.poor.start).to.equal(0);
      expect(row.poor.startRate).to.equal(null);
      expect(row.change).to.deep.equal({ poorRatePp: null, nearPoorRatePp: null });
    }
  });

  it('scope: a ward user sees only its own row and no district total; anonymous is 401', async () => {
    const res = await wardB.get('/api/reports/rates?round=2020&standard=city');
    expect(res.status).to.equal(200);
    expect(res.body.scope).to.equal('ward');
    expect(res.body.rows.map((r: any) => r.code)).to.deep.equal([FIXTURE_WARDS.B]);
    expect(res.body.total).to.equal(null);
    expect(five(res.body.rows[0].poor)).to.deep.equal(CITY.B.poor[5]);
    const trend = await wardB.get('/api/reports/trend?standard=national');
    expect(trend.body.rounds).to.have.length(6);
    expect(trend.body.rounds.every((r: any) => r.rows.length === 1 && r.total === null)).to.equal(true);
    expect((await district.get('/api/reports/rates?round=2020')).body.rows).to.have.length(11);
    expect((await t.anon().get('/api/reports/rates?round=2020')).status).to.equal(401);
  });

  it('validation: round required and within ROUND_MIN..ROUND_MAX, known standard, from ≤ to', async () => {
    for (const q of ['', '?round=2014', '?round=2021', '?round=2017&standard=world', '?round=2017&x=1']) {
      const res = await district.get(`/api/reports/rates${q}`);
      expect(res.status, q).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    }
    expect((await district.get('/api/reports/trend?from=2019&to=2016')).status).to.equal(400);
  });
});
