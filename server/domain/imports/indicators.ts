/**
 * The indicator columns of the workbook: the union of the indicators of every criteria set that applies to a
 * configured round (config.criteriaRounds), city set first, and which codes each round knows.
 */
import type { Config } from '../../config.ts';
import type { Executor } from '../../db/client.ts';
import { loadCriteriaResolver } from '../criteria/service.ts';
import type { IndicatorColumn } from './columns.ts';

export async function indicatorColumns(exec: Executor, config: Config): Promise<{ indicators: IndicatorColumn[]; indicatorsByRound: Record<number, string[]> }> {
  const resolve = await loadCriteriaResolver(exec, config);
  const union = new Map<string, IndicatorColumn>();
  const indicatorsByRound: Record<number, string[]> = {};
  for (let round = config.roundMin; round <= config.roundMax; round++) {
    let sets;
    try {
      sets = resolve(round);
    } catch {
      continue; // a round without configured sets: its rows fail the round check
    }
    const codes: string[] = [];
    for (const i of [...sets.city.indicators, ...sets.national.indicators]) {
      if (!union.has(i.code)) union.set(i.code, { code: i.code, vi: i.vi, en: i.en });
      if (!codes.includes(i.code)) codes.push(i.code);
    }
    indicatorsByRound[round] = codes;
  }
  return { indicators: [...union.values()], indicatorsByRound };
}
