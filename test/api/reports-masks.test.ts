/**
 * The report's grouped SQL scan checked against a per-household reference written here from domain.md §4 (issue 12:
 * archived households are removed, unassessed ones carried while the round is not approved), on generated masks
 * written straight into the table: gaps in the assessed rounds, households archived in a round, DTTS heads.
 */
import { expect } from 'chai';
import { households } from '../../server/db/schema.ts';
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

type Lists = { poor: number; nearPoor: number };
type Gen = { ward: string; city: Lists; national: Lists; assessed: number; archivedRound: number | null; minority: boolean };

/** Reference: the household's list each round, by the definitions (no round is approved in this test). */
function effective(g: Gen, m: Lists): ('poor' | 'nearPoor' | null)[] {
  const on = (mask: number, r: number) => (mask & (1 << (r - ROUND_MIN))) !== 0;
  const out: ('poor' | 'nearPoor' | null)[] = [];
  for (let r = ROUND_MIN; r <= ROUND_MAX; r++) {
    const prev = out.length ? out[out.length - 1]! : null;
    if (g.archivedRound !== null && r >= g.archivedRound) out.push(null);
    else if (on(g.assessed, r)) out.push(on(m.poor, r) ? 'poor' : on(m.nearPoor, r) ? 'nearPoor' : null);
    else out.push(prev); // unreviewed: stays on last round's list
  }
  return out;
}

function expected(gen: Gen[], standard: 'city' | 'national', round: number, ward: string | null) {
  const zero = () => ({ start: 0, escaped: 0, removed: 0, fellBack: 0, new: 0, end: 0, unreviewed: 0, minorityStart: 0, minorityEnd: 0 });
  const c = { poor: zero(), nearPoor: zero(), moves: { poorToNearPoor: 0, nearPoorToPoor: 0 } };
  const k = round - ROUND_MIN;
  for (const g of gen) {
    if (ward && g.ward !== ward) continue;
    const lists = effective(g, g[standard]);
    const assessedNow = (g.assessed & (1 << k)) !== 0;
    for (const list of ['poor', 'nearPoor'] as const) {
      const before = k > 0 && lists[k - 1] === list;
      const now = lists[k] === list;
      const b = c[list];
      if (before) {
        b.start++;
        if (g.minority) b.minorityStart++;
        if (!now && g.archivedRound === round) b.removed++;
        else if (!now) b.escaped++;
        else if (!assessedNow) b.unreviewed++;
      } else if (now) {
        if (lists.slice(0, Math.max(0, k - 1)).includes(list)) b.fellBack++;
        else b.new++;
      }
      if (now) {
        b.end++;
        if (g.minority) b.minorityEnd++;
      }
    }
    if (k > 0 && lists[k - 1] === 'poor' && lists[k] === 'nearPoor') c.moves.poorToNearPoor++;
    if (k > 0 && lists[k - 1] === 'nearPoor' && lists[k] === 'poor') c.moves.nearPoorToPoor++;
  }
  return c;
}

const counts = (b: any) => ({ start: b.start, escaped: b.escaped, removed: b.removed, fellBack: b.fellBack, new: b.new, end: b.end, unreviewed: b.unreviewed, minorityStart: b.minorityStart, minorityEnd: b.minorityEnd });

describe('reports: grouped SQL scan agrees with a per-household reference on generated masks', function () {
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
      // Assessed every round but with a gap now and then (unreviewed); every 7th archived in a random round.
      let assessed = 0;
      for (let r = 0; r <= ROUND_MAX - ROUND_MIN; r++) if (r === 0 || rand() < 0.85) assessed |= 1 << r;
      const archivedRound = i % 7 === 0 ? ROUND_MIN + 1 + Math.floor(rand() * (ROUND_MAX - ROUND_MIN)) : null;
      const g: Gen = { ward, city: randomLists(rand), national: randomLists(rand), assessed, archivedRound, minority: i % 5 === 0 };
      // The category masks only hold rounds with an assessment.
      for (const m of [g.city, g.national]) {
        m.poor &= assessed;
        m.nearPoor &= assessed;
      }
      gen.push(g);
      rows.push({
        wardCode: ward,
        householdCode: `G-${i}`,
        area: 'urban' as const,
        headName: `Generated ${i}`,
        status: archivedRound !== null ? ('archived' as const) : ('active' as const),
        archivedRound,
        assessedMask: assessed,
        ethnicGroup: g.minority ? 'khmer' : 'kinh',
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
