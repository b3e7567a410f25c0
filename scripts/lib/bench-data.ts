/**
 * Registry-sized data for the report and load benchmarks: every household of a district (116k) or of the city (1M
 * over 273 wards) with an assessment per round, streamed in batches of import rows so memory stays flat. Each
 * household follows a seeded chain between the city lists (rates near the demo's), and each answer is drawn with the
 * demo's drawAssessment, so the registry's classification puts it where the chain says.
 */
import type { ImportRow } from '../../server/domain/imports/types.ts';
import { drawAssessment, type ListState, type SetsForRound } from './demo-assess.ts';
import { IdNumbers, drawMembers, streetAddress } from './demo-people.ts';
import { Random } from './demo-random.ts';

/** Yearly moves of a whole population (most households never near a line), stationary around 2–3 % poor. */
const CHAIN: Record<ListState, Record<ListState, number>> = {
  poor: { poor: 0.6, near_poor: 0.2, above: 0.2 },
  near_poor: { poor: 0.08, near_poor: 0.5, above: 0.42 },
  above: { poor: 0.008, near_poor: 0.012, above: 0.98 },
};
const START: Record<ListState, number> = { poor: 0.035, near_poor: 0.026, above: 0.939 };

export interface BenchWard {
  code: string;
  households: number;
}

/** Batches of rows (a household's rounds never split across batches), `batchHouseholds` households each. */
export function* benchRowBatches(resolve: (round: number) => SetsForRound, wards: BenchWard[], rounds: number[], batchHouseholds: number, seed = 'bench-v1'): Generator<ImportRow[]> {
  const rng = new Random(seed);
  const ids = new IdNumbers();
  const setsOf = new Map(rounds.map((r) => [r, resolve(r)]));
  let batch: ImportRow[] = [];
  let inBatch = 0;
  for (const ward of wards) {
    for (let i = 1; i <= ward.households; i++) {
      let state = rng.weighted(START);
      const depth = rng.next();
      const members = drawMembers(rng, ids, rounds[rounds.length - 1]!, depth, rng.chance(0.08));
      const head = members[0]!;
      const base = {
        wardCode: ward.code,
        householdCode: `B-${String(i).padStart(7, '0')}`,
        headName: head.name,
        headIdNumber: head.idNumber,
        address: streetAddress(rng, 'BM'),
        area: 'urban' as const,
        members,
      };
      rounds.forEach((round, k) => {
        if (k > 0) state = rng.weighted(CHAIN[state]);
        const a = drawAssessment(rng, setsOf.get(round)!, { area: 'urban', members, depth }, round, state, 'Điều tra viên');
        batch.push({ ...base, round, income: a.income, deprivations: a.deprivations, facts: { ...a.facts, membersCount: members.length }, surveyedAt: a.surveyedAt, surveyor: a.surveyor });
      });
      if (++inBatch >= batchHouseholds) {
        yield batch;
        batch = [];
        inBatch = 0;
      }
    }
  }
  if (batch.length) yield batch;
}

/** Splits `total` households evenly over the wards (the first ones get the remainder). */
export function spread(codes: string[], total: number): BenchWard[] {
  return codes.map((code, i) => ({ code, households: Math.floor(total / codes.length) + (i < total % codes.length ? 1 : 0) }));
}
