/**
 * The criteria schedule (CRITERIA_ROUNDS) brought to the stored assessments, at start (issue 12 §4): assessments of a
 * round that a different set classified (e.g. round 2018 under the 21/28 M lines, before the schedule moved it to the
 * raised lines, domain.md §3) are re-classified under the configured set — only in ward lists that are not approved,
 * which keep the figures they were approved on; audited as `reclassify` with the reason.
 *
 * Finding them means reading every assessment. On a 116,000-household district that scan (then ten of them) kept a
 * restarted PGlite server from answering for 23 s, at every start, although nothing can make an assessment of another
 * set while the schedule stays the same: every write classifies under the configured set. So the check records what
 * it found (app_state): the schedule it checked and the approved ward-rounds it had to leave under another set. A
 * start with the same schedule, and those ward-rounds all still approved, has nothing to do and skips the scan; a
 * changed schedule, a reopened ward-round, a database restored from a backup made under another schedule (app_state
 * is backed up with the data it describes) or a database from before this record runs it again.
 */
import type { Ctx } from '../../context.ts';
import { readAppState, writeAppState } from '../app-state.ts';
import { setIdForRound } from '../criteria/service.ts';
import { approvedKeys } from '../rounds/guard.ts';
import * as repo from './repository.ts';
import { reclassifyUnderLatest, type ReclassifySummary } from './service.ts';

const STATE_KEY = 'criteria_schedule';

interface ScheduleCheck {
  schedule: repo.ScheduledSet[];
  /** Approved ward-rounds ("ward/round") that hold assessments of another set, left as they were approved. */
  leftApproved: string[];
}

/** The configured set of every (standard, round), city first, rounds in order. */
export function configuredSchedule(config: Ctx['config']): repo.ScheduledSet[] {
  const out: repo.ScheduledSet[] = [];
  for (const standard of ['city', 'national'] as const) {
    for (let round = config.roundMin; round <= config.roundMax; round++) {
      const setId = setIdForRound(config, standard, round);
      if (setId) out.push({ standard, round, setId });
    }
  }
  return out;
}

// Compared field by field: JSONB keeps an object's keys in its own order, not the order they were written in.
const tuples = (s: repo.ScheduledSet[]) => JSON.stringify(s.map((x) => [x.standard, x.round, x.setId]));
const sameSchedule = (a: repo.ScheduledSet[], b: repo.ScheduledSet[]) => tuples(a) === tuples(b);

/** Re-classifies what the schedule says differently (one scan), records what it found; the rounds that had any. */
export async function applyCriteriaSchedule(ctx: Ctx): Promise<ReclassifySummary[]> {
  const schedule = configuredSchedule(ctx.config);
  const counts = await repo.otherSetCounts(ctx.db, schedule);
  const frozen = await approvedKeys(ctx.db);
  const keyOf = (c: { wardCode: string; round: number }) => `${c.wardCode}/${c.round}`;
  const done: ReclassifySummary[] = [];
  for (const s of schedule) {
    if (!counts.some((c) => c.standard === s.standard && c.round === s.round && !frozen.has(keyOf(c)))) continue;
    done.push(await reclassifyUnderLatest(ctx, s.setId, s.round, { onlyOtherSets: true, reason: `CRITERIA_ROUNDS: round ${s.round} is classified by ${s.setId}` }));
  }
  const leftApproved = [...new Set(counts.filter((c) => frozen.has(keyOf(c))).map(keyOf))].sort();
  await writeAppState(ctx.db, STATE_KEY, { schedule, leftApproved } satisfies ScheduleCheck);
  return done;
}

/** At start: `null` when the last check stands (same schedule, its left ward-rounds still approved), else the check. */
export async function applyCriteriaScheduleAtStart(ctx: Ctx): Promise<ReclassifySummary[] | null> {
  const last = await readAppState<ScheduleCheck>(ctx.db, STATE_KEY);
  if (last && sameSchedule(last.schedule, configuredSchedule(ctx.config))) {
    const frozen = await approvedKeys(ctx.db);
    if (last.leftApproved.every((k) => frozen.has(k))) return null;
  }
  return applyCriteriaSchedule(ctx);
}
