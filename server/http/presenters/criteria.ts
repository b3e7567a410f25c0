import { toCriteriaSet, type CriteriaRow } from '../../domain/criteria/repository.ts';

export function presentCriteriaSet(r: CriteriaRow) {
  return { ...toCriteriaSet(r), note: r.note, createdAt: r.createdAt.toISOString(), createdBy: r.createdBy };
}
