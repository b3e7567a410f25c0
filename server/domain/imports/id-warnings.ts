/**
 * The import's check against the registry (issue 17): ID numbers of a batch of rows that already belong to a person
 * of another active household are row warnings (DUPLICATE_PERSON) — shown in the dry run and the annotated workbook,
 * never blocking. One set-based query per batch on household_people (the index of ID numbers).
 */
import type { Actor } from '../../context.ts';
import type { Executor } from '../../db/client.ts';
import { inScope, visibleSide } from '../duplicates/person-warnings.ts';
import { findActiveByIdNumbers } from '../duplicates/repository.ts';
import { idNumbersOf } from '../duplicates/rules.ts';
import { HOUSEHOLD_COLUMNS, labelOf } from './columns.ts';
import { householdKey, type ImportError, type ImportRow } from './types.ts';

export async function registryIdWarnings(exec: Executor, actor: Actor, rows: ImportRow[]): Promise<ImportError[]> {
  const held = rows.map((r) => ({ r, ids: idNumbersOf(r) }));
  const all = [...new Set(held.flatMap((h) => h.ids.map((i) => i.idNumber)))];
  if (all.length === 0) return [];
  const byId = new Map<string, Awaited<ReturnType<typeof findActiveByIdNumbers>>>();
  for (const m of await findActiveByIdNumbers(exec, all)) byId.set(m.idNumber, [...(byId.get(m.idNumber) ?? []), m]);
  const warnings: ImportError[] = [];
  for (const { r, ids } of held) {
    for (const { idNumber, path } of ids) {
      // The household this row updates holds its own people: only other households count.
      for (const m of (byId.get(idNumber) ?? []).filter((x) => householdKey(x) !== householdKey(r))) {
        const other = visibleSide({ actor }, { ...m, id: m.householdId }, inScope({ actor }, m));
        const where = other.householdCode ? `hộ ${other.householdCode} (${other.wardName})` : other.wardName;
        const whereEn = other.householdCode ? `household ${other.householdCode} (${other.wardName})` : other.wardName;
        const member = path.startsWith('members.') ? Number(path.split('.')[1]) + 1 : null;
        const whose = member ? { vi: `của thành viên thứ ${member}`, en: `of member ${member}` } : { vi: 'của chủ hộ', en: 'of the head' };
        warnings.push({
          sheet: r.sheet ?? '', row: r.sheetRow ?? 0, column: member ? null : labelOf(HOUSEHOLD_COLUMNS, 'head_id_number'), col: null,
          code: 'DUPLICATE_PERSON', severity: 'warning', value: null,
          message: {
            vi: `Cảnh báo: số CMND/CCCD ${whose.vi} đã thuộc một người của ${where} đang hoạt động; dòng vẫn được nhập, quận sẽ xem xét trùng lặp`,
            en: `Warning: the ID number ${whose.en} already belongs to a person of an active household in ${whereEn}; the row is still imported, the district will review the duplicate`,
          },
        });
      }
    }
  }
  return warnings;
}
