/**
 * The report's grouped SQL scan checked against helper B's pure transitionsFor() applied household by household, on
 * generated masks written straight into the table (any valid history, including archived households).
 */
import { expect } from 'chai';
import { households } from '../../server/db/schema.ts';
import { transitionsFor } from '../../server/domain/assessments/rules.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';

const WARDS3 = ['26764', '26767', '26770'];
const ROUND_MIN = 2015;
const ROUND_MAX = 2020;

/** Small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One list per round at most: each round a household is poor, near-poor or neither. */
function randomLists(rand: () => number): { poor: number; nearPoor: number } {
  let poor = 0;
  let nearPoor = 0;
  for (let i = 0; i <= ROUND_MAX - ROUND_MIN; i++) {
    const x = rand();
    if (x < 0.3) poor |= 1 << i;
    else if (x < 0.55) nearPoor |= 1 << i;
  }
  return { poor, nearPoor };
}

type Gen = { ward: string; city: { poor: number; nearPoor: number }; national: { poor: number; nearPoor: number } };

function expected(gen: Gen[], standard: 'city' | 'national', round: number, ward: string | null) {
  const c = {
    poor: { start: 0, escaped: 0, fellBack: 0, new: 0, end: 0 },
    nearPoor: { start: 0, escaped: 0, fellBack: 0, new: 0, end: 0 },
    moves: { poorToNearPoor: 0, nearPoorToPoor: 0 },
  };
  const on = (mask: number, r: number) => r >= ROUND_MIN && (mask & (1 << (r - ROUND_MIN))) !== 0;
  for (const g of gen) {
    if (ward && g.ward !== ward) continue;
    const m = g[standard];
    for (const list of ['poor', 'nearPoor'] as const) {
      const t = transitionsFor(m[list], round, ROUND_MIN);
      if (t === 'stayed' || t === 'escaped') c[list].start++;
      if (t === 'escaped') c[list].escaped++;
      if (t === 'fell_back') c[list].fellBack++;
      if (t === 'new') c[list].new++;
      if (t === 'stayed' || t === 'new' || t === 'fell_back') c[list].end++;
    }
    if (on(m.poor, round - 1) && on(m.nearPoor, round)) c.moves.poorToNearPoor++;
    if (on(m.nearPoor, round - 1) && on(m.poor, round)) c.moves.nearPoorToPoor++;
  }
  return c;
}

const counts = (b: any) => ({ start: b.start, escaped: b.escaped, fellBack: b.fellBack, new: b.new, end: b.end });

describe('reports: grouped SQL scan agrees with transitionsFor() on generated masks', function () {
  this.timeout(60_000);
  let t: TestServer;
  let district: ApiClient;
  const gen: Gen[] = [];

  before(async () => {
    t = await startTestServer();
    district = await t.as('district');
    const rand = prng(20170601);
    const rows = [];
    for (let i = 0; i < 1500; i++) {
      const ward = WARDS3[i % 3]!;
      const g: Gen = { ward, city: randomLists(rand), national: randomLists(rand) };
      gen.push(g);
      rows.push({
        wardCode: ward,
        householdCode: `G-${i}`,
        area: 'urban' as const,
        headName: `Generated ${i}`,
        status: i % 7 === 0 ? ('archived' as const) : ('active' as const),
        cityPoorMask: g.city.poor,
        cityNearPoorMask: g.city.nearPoor,
        nationalPoorMask: g.national.poor,
        nationalNearPoorMask: g.national.nearPoor,
      });
    }
    await t.registry.deps.db.insert(households).values(rows);
  });
  after(async () => t?.close());

  for (const standard of ['city', 'national'] as const) {
    it(`${standard}: every ward, every round 2015–2020, and the district sums`, async () => {
      const res = await district.get(`/api/reports/trend?from=${ROUND_MIN}&to=${ROUND_MAX}&standard=${standard}`);
      expect(res.status).to.equal(200);
      expect(res.body.rounds).to.have.length(6);
      for (const r of res.body.rounds) {
        expect(r.rows).to.have.length(11);
        for (const ward of WARDS3) {
          const row = r.rows.find((x: any) => x.code === ward);
          const want = expected(gen, standard, r.round, ward);
          expect(counts(row.poor), `${ward} ${r.round} poor`).to.deep.equal(want.poor);
          expect(counts(row.nearPoor), `${ward} ${r.round} near-poor`).to.deep.equal(want.nearPoor);
          expect(row.moves, `${ward} ${r.round} moves`).to.deep.equal(want.moves);
        }
        const all = expected(gen, standard, r.round, null);
        expect(counts(r.total.poor)).to.deep.equal(all.poor);
        expect(counts(r.total.nearPoor)).to.deep.equal(all.nearPoor);
        expect(r.total.moves).to.deep.equal(all.moves);
      }
    });
  }

  it('the single-round report equals that round of the trend', async () => {
    const [one, trend] = await Promise.all([
      district.get('/api/reports/rates?round=2018&standard=national'),
      district.get('/api/reports/trend?from=2017&to=2019&standard=national'),
    ]);
    expect(one.status).to.equal(200);
    const r2018 = trend.body.rounds.find((r: any) => r.round === 2018);
    expect(one.body.rows).to.deep.equal(r2018.rows);
    expect(one.body.total).to.deep.equal(r2018.total);
  });
});
