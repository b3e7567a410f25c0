/**
 * Problems of a whole household in an import (its rows and its member rows taken together), each naming the
 * household code so the officer finds it on both sheets (issue 13 item 8).
 */
import type { ImportError } from './types.ts';

type At = Pick<ImportError, 'sheet' | 'row' | 'column' | 'col' | 'value'> & { value: string };

const rowList = (rows: { sheet: string; row: number }[]) => rows.map((r) => r.row).join(', ');

export const householdErrors = {
  membersInvalid: (at: At, rows: { sheet: string; row: number }[]): ImportError => ({
    ...at,
    code: 'MEMBERS_INVALID',
    message: {
      vi: `Hộ ${at.value}: trang "Nhân khẩu" có dòng lỗi (dòng ${rowList(rows)}); cả hộ không được ghi cho đến khi sửa`,
      en: `Household ${at.value}: the "Nhân khẩu" sheet has invalid rows for it (rows ${rowList(rows)}); the whole household is left out until they are fixed`,
    },
  }),
  otherRowInvalid: (at: At): ImportError => ({
    ...at,
    code: 'HOUSEHOLD_INVALID',
    message: {
      vi: `Hộ ${at.value} có dòng lỗi khác trong tệp; cả hộ không được ghi cho đến khi sửa`,
      en: `Household ${at.value} has another invalid row in the file; the whole household is left out until it is fixed`,
    },
  }),
  /** A warning: the row stays valid. */
  membersCountMismatch: (at: At, declared: number, given: number): ImportError => ({
    ...at,
    code: 'MEMBERS_COUNT_MISMATCH',
    severity: 'warning',
    message: {
      vi: `Cảnh báo: hộ ${at.value} ghi ${declared} nhân khẩu nhưng trang "Nhân khẩu" có ${given} người`,
      en: `Warning: household ${at.value} declares ${declared} members but the "Nhân khẩu" sheet lists ${given}`,
    },
  }),
};
