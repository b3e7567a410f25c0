/**
 * A 3-ward district over rounds 2015–2020 with every transition kind (new, stayed, escaped, fell back, moves in both
 * directions, an archived household, a missing total), created through the real households API so the masks the
 * report counts are the ones helper B's assessment service writes. Expected figures are in reports.test.ts, computed
 * by hand from the histories below.
 *
 * Each round's code chooses an income (yearly, urban, no deprivations) that lands in these categories
 * (domain.md §2–3; city lines 21/28 M VND per year in 2015–2017 and 28/36 M in 2018–2020; national urban lines
 * 0.9/1.3 M per month = 10.8/15.6 M per year):
 *   PP  city poor,      national poor        ( 9.0 M/yr = 750k/month)
 *   PN  city poor,      national near-poor   (12.0 M/yr = 1.0 M/month)
 *   P-  city poor,      national off list    (18.0 M/yr = 1.5 M/month)
 *   N-  city near-poor, national off list    (24 M/yr in 2015–2017, 30 M/yr in 2018–2020)
 *   --  on no list                           (40 M/yr)
 *   ''  not assessed that round
 */
import type { ApiClient } from './http.ts';
import { WARDS } from './server.ts';

export const FIXTURE_WARDS = { A: '26764', B: '26767', C: '26770' } as const;
export const FIXTURE_ROUNDS = [2015, 2016, 2017, 2018, 2019, 2020] as const;

type Code = 'PP' | 'PN' | 'P-' | 'N-' | '--' | '';

export interface FixtureHousehold {
  ward: keyof typeof FIXTURE_WARDS;
  code: string;
  rounds: [Code, Code, Code, Code, Code, Code];
  /**
   * Archived (moved away) on this date, after its last assessment: it still counts in the rounds where it was on a
   * list, and is `removed` (never `escaped`) in the round of the date.
   */
  archive?: string;
  headIdNumber?: string;
  headName?: string;
}

export const FIXTURE_HOUSEHOLDS: FixtureHousehold[] = [
  { ward: 'A', code: 'A1', rounds: ['PP', 'PP', 'PN', 'PN', 'P-', '--'], headIdNumber: '079012345678', headName: 'Nguyễn Văn An' },
  { ward: 'A', code: 'A2', rounds: ['--', 'PP', 'PP', '--', 'PP', 'PP'], headIdNumber: '001234567', headName: '=HYPERLINK("http://x","y")' },
  { ward: 'A', code: 'A3', rounds: ['N-', 'N-', '--', 'N-', 'PP', 'N-'], headName: '+84 Trần Thị Bình' },
  { ward: 'A', code: 'A4', rounds: ['P-', 'P-', 'P-', '', '', ''], archive: '2018-03-15', headName: 'Lê Văn Cường' },
  { ward: 'B', code: 'B1', rounds: ['PN', 'PP', 'PP', 'PP', 'PN', '--'], headName: 'Phạm Thị Dung' },
  { ward: 'B', code: 'B2', rounds: ['--', '--', 'N-', 'P-', '--', 'P-'], headName: '@SUM(A1)' },
  { ward: 'B', code: 'B3', rounds: ['PP', '--', '--', '--', '--', 'PP'], headName: '-2+3' },
  { ward: 'C', code: 'C1', rounds: ['--', '--', '--', '--', '--', '--'], headName: 'Hoàng Văn Em' },
  { ward: 'C', code: 'C2', rounds: ['P-', 'N-', 'P-', 'N-', '--', 'N-'], headName: 'Võ Thị Phương' },
];

/** Total households per ward and round; ward C has none for 2018 (rate unavailable, never a division by 0). */
export const FIXTURE_TOTALS: Record<keyof typeof FIXTURE_WARDS, (number | null)[]> = {
  A: [1000, 1000, 1200, 1200, 1250, 1250],
  B: [800, 800, 800, 800, 800, 800],
  C: [600, 600, 600, null, 600, 600],
};

/** The district's other 8 wards have no households in the fixture, but a total, so the district row has rates. */
export const OTHER_WARDS_TOTAL = 1000;

function incomeFor(code: Exclude<Code, ''>, round: number): number {
  switch (code) {
    case 'PP':
      return 9_000_000;
    case 'PN':
      return 12_000_000;
    case 'P-':
      return 18_000_000;
    case 'N-':
      return round <= 2017 ? 24_000_000 : 30_000_000;
    case '--':
      return 40_000_000;
  }
}

async function ok<T>(what: string, p: Promise<{ status: number; body: T }>, expected = [200, 201]): Promise<T> {
  const res = await p;
  if (!expected.includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Creates the fixture through the API (as an admin or district user) and returns household ids by code. */
export async function loadReportFixture(api: ApiClient): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const h of FIXTURE_HOUSEHOLDS) {
    const created = await ok<{ id: string; version: number }>(
      `create ${h.code}`,
      api.post('/api/households', {
        wardCode: FIXTURE_WARDS[h.ward],
        householdCode: h.code,
        address: `Tổ 1, khu phố ${h.code}`,
        area: 'urban',
        headName: h.headName ?? `Chủ hộ ${h.code}`,
        headIdNumber: h.headIdNumber ?? null,
        members: [
          { name: h.headName ?? `Chủ hộ ${h.code}`, birthYear: 1970, sex: 'male', relation: 'Chủ hộ', idNumber: h.headIdNumber ?? null, hasHealthInsurance: true },
          { name: `Con ${h.code}`, birthYear: 2005, sex: 'female', relation: 'Con', idNumber: null, hasHealthInsurance: true, inSchool: true },
        ],
      }),
    );
    ids.set(h.code, created.id);
    for (const [i, code] of h.rounds.entries()) {
      if (!code) continue;
      const round = FIXTURE_ROUNDS[i]!;
      await ok(`assess ${h.code} ${round}`, api.put(`/api/households/${created.id}/assessments/${round}`, { income: { amount: incomeFor(code, round), per: 'year' }, deprivations: [], facts: { membersCount: 2 } }));
    }
    if (h.archive) {
      const current = await ok<{ version: number }>(`get ${h.code}`, api.get(`/api/households/${created.id}`));
      await ok(`archive ${h.code}`, api.delete(`/api/households/${created.id}`, { reason: 'moved', date: h.archive }, { 'if-match': `"${current.version}"` }));
    }
  }
  for (const [ward, totals] of Object.entries(FIXTURE_TOTALS)) {
    for (const [i, households] of totals.entries()) {
      if (households === null) continue;
      await ok(`total ${ward}`, api.put(`/api/units/${FIXTURE_WARDS[ward as keyof typeof FIXTURE_WARDS]}/totals/${FIXTURE_ROUNDS[i]}`, { households }));
    }
  }
  for (const code of WARDS.filter((w) => !Object.values(FIXTURE_WARDS).includes(w as never))) {
    for (const round of FIXTURE_ROUNDS) await ok(`total ${code}`, api.put(`/api/units/${code}/totals/${round}`, { households: OTHER_WARDS_TOTAL }));
  }
  return ids;
}
