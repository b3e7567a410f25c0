/**
 * The one check every write into a ward's round goes through (assessment PUT, household edits re-classifying a round,
 * archive/restore dated in a round, import rows): an approved list is frozen (domain.md §1) → 409 ROUND_APPROVED.
 * Takes a share lock on the status row so an approval cannot slip in between the check and the write.
 */
import type { Executor } from '../../db/client.ts';
import * as repo from './repository.ts';
import { roundApproved } from './rules.ts';

export async function assertWardRoundWritable(exec: Executor, wardCode: string, round: number): Promise<void> {
  const row = await repo.lockWardRound(exec, wardCode, round, 'share');
  if (row?.status === 'approved') throw roundApproved(wardCode, round, row.decisionNumber);
}

/** "ward/round" keys of approved ward-rounds, for checks over many rows at once. */
export async function approvedKeys(exec: Executor, wardCodes?: string[]): Promise<Set<string>> {
  return new Set((await repo.approvedWardRounds(exec, wardCodes)).map((r) => `${r.wardCode}/${r.round}`));
}
