import type { CriteriaRow } from '../../domain/criteria/repository.ts';

export function presentCriteriaSet(r: CriteriaRow) {
  return {
    id: r.id,
    version: r.version,
    standard: r.standard,
    nameVi: r.nameVi,
    nameEn: r.nameEn,
    legalSource: r.legalSource,
    incomeUnit: r.incomeUnit,
    lines: r.lines,
    indicators: r.indicators,
    rule: r.rule,
    provisional: r.provisional,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
  };
}
