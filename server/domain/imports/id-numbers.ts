/**
 * ID numbers inside one survey file (issue 17): one person belongs to one household, so the same CCCD/CMND on rows of
 * two different households is a row error naming both rows; on two member rows of the same household it is an error
 * too. The head's number on the household row and on the head's own member row ("Chủ hộ"), or on the household's rows
 * of other rounds, is the same person in the same household and fine. Runs in the parser child, on every row.
 */
import { columnOf, msg, type ColumnMap } from './row-cells.ts';
import type { ImportError } from './types.ts';

interface Seen {
  sheet: string;
  row: number;
  key: string;
  member: boolean;
}

export class IdNumbersInFile {
  private readonly first = new Map<string, Seen>();

  /** Records one occurrence; returns the error for it (the later row) or null. */
  check(idNumber: string | null | undefined, at: Seen, map: ColumnMap): ImportError | null {
    if (!idNumber) return null;
    const prior = this.first.get(idNumber);
    if (!prior) {
      this.first.set(idNumber, at);
      return null;
    }
    const column = columnOf(map, at.member ? 'idNumber' : 'headIdNumber');
    const where = (vi: boolean) => (prior.sheet === at.sheet ? '' : vi ? ` trang "${prior.sheet}"` : ` of sheet "${prior.sheet}"`);
    if (prior.key !== at.key) {
      return {
        sheet: at.sheet, row: at.row, ...column, code: 'DUPLICATE_ID_IN_FILE', value: idNumber,
        message: msg(
          `Số CMND/CCCD ở dòng ${at.row} trùng với dòng ${prior.row}${where(true)} của một hộ khác; mỗi người chỉ thuộc một hộ — hãy sửa một trong hai dòng`,
          `The ID number on row ${at.row} is the same as on row ${prior.row}${where(false)}, in another household; a person belongs to one household only — correct one of the two rows`,
        ),
      };
    }
    if (prior.member && at.member && prior.row !== at.row) {
      return {
        sheet: at.sheet, row: at.row, ...column, code: 'DUPLICATE_ID_NUMBER', value: idNumber,
        message: msg(
          `Số CMND/CCCD ở dòng ${at.row} trùng với thành viên ở dòng ${prior.row}${where(true)} của cùng hộ; mỗi người có một số riêng`,
          `The ID number on row ${at.row} repeats the member on row ${prior.row}${where(false)} of the same household; each person has their own number`,
        ),
      };
    }
    if (at.member && !prior.member) this.first.set(idNumber, at); // the head's own member row: later members compare to it
    return null;
  }
}
