/**
 * What a household write tells its caller about other households holding the same ID numbers (DUPLICATE_PERSON),
 * and how much of the other household the caller may see. Kept apart from service.ts so the households service can
 * call it without a cycle (service.ts archives through the households service).
 */
import type { Ctx } from '../../context.ts';
import type { Executor } from '../../db/client.ts';
import type { Member } from '../households/rules.ts';
import { wardInScope } from '../scope.ts';
import * as repo from './repository.ts';
import { duplicatePersonWarning, idNumbersOf, type DuplicateWarning, type OtherHousehold } from './rules.ts';

/** A household outside the actor's scope is reduced to its ward (never its code, address or names). */
export function visibleSide(ctx: Pick<Ctx, 'actor'>, h: repo.PairSide, inScope: boolean): OtherHousehold {
  if (!inScope) return { wardCode: h.wardCode, wardName: h.wardName };
  return { id: h.id, wardCode: h.wardCode, wardName: h.wardName, householdCode: h.householdCode, headName: h.headName, address: h.address };
}

export function inScope(ctx: Pick<Ctx, 'actor'>, h: { wardCode: string; districtCode: string }): boolean {
  return wardInScope(ctx.actor, { code: h.wardCode, districtCode: h.districtCode });
}

/**
 * DUPLICATE_PERSON warnings for a household just written (call with the same transaction: household_people is
 * already up to date). One indexed lookup for all of its ID numbers.
 */
export async function duplicatePersonWarnings(exec: Executor, ctx: Pick<Ctx, 'actor'>, h: { id: string; headIdNumber: string | null; members: unknown }): Promise<DuplicateWarning[]> {
  const ids = idNumbersOf({ headIdNumber: h.headIdNumber, members: h.members as Member[] });
  if (ids.length === 0) return [];
  const matches = await repo.findActiveByIdNumbers(exec, [...new Set(ids.map((i) => i.idNumber))], h.id);
  const warnings: DuplicateWarning[] = [];
  for (const { idNumber, path } of ids) {
    for (const m of matches.filter((x) => x.idNumber === idNumber)) {
      warnings.push(duplicatePersonWarning(path, visibleSide(ctx, { ...m, id: m.householdId }, inScope(ctx, m))));
    }
  }
  return warnings;
}

