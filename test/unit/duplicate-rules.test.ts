import { expect } from 'chai';
import { idNumbersOf, pairId, parsePairId, sameIdInHouseholdProblems } from '../../server/domain/duplicates/rules.ts';
import { IdNumbersInFile } from '../../server/domain/imports/id-numbers.ts';

const A = '0a1b2c3d-0000-4000-8000-000000000001';
const B = 'ffee0000-0000-4000-8000-000000000002';
const map = { keys: new Map([[4, 'head_id_number'], [7, 'id_number']]), titles: new Map([[4, 'Số CCCD/CMND'], [7, 'Số CCCD/CMND']]) };

describe('duplicate rules (issue 17)', () => {
  it('the same ID number on two members of a household is an error; the head listed as a member is not', () => {
    const head = { idNumber: '079123456789' };
    expect(sameIdInHouseholdProblems({ headIdNumber: '079123456789', members: [head, { idNumber: null }, { idNumber: '012345678' }] })).to.deep.equal([]);
    const problems = sameIdInHouseholdProblems({ headIdNumber: null, members: [head, { idNumber: '012345678' }, { idNumber: '079123456789' }] });
    expect(problems.map((p) => [p.path, p.code])).to.deep.equal([['members.2.idNumber', 'DUPLICATE_ID_NUMBER']]);
    expect(problems[0]!.message.vi).to.contain('thành viên thứ 1');
  });

  it('lists a household\'s ID numbers with their paths, the head\'s own member entry once', () => {
    expect(idNumbersOf({ headIdNumber: '079123456789', members: [{ idNumber: '079123456789' }, { idNumber: '012345678' }] })).to.deep.equal([
      { idNumber: '079123456789', path: 'headIdNumber' },
      { idNumber: '012345678', path: 'members.1.idNumber' },
    ]);
  });

  it('a pair has one id whichever side it is named from, and only well-formed ids parse', () => {
    expect(pairId('id', B, A)).to.equal(pairId('id', A, B)).and.equal(`id.${A}.${B}`);
    expect(parsePairId(pairId('name', B, A))).to.deep.equal({ kind: 'name', a: A, b: B });
    for (const bad of [`id.${B}.${A}`, `x.${A}.${B}`, A, `id.${A}.${A}`, `id.${A}.${B}.x`]) expect(parsePairId(bad), bad).to.equal(null);
  });

  it('in one file: the same number in two households names both rows; the head\'s own rows are fine', () => {
    const ids = new IdNumbersInFile();
    expect(ids.check('079123456789', { sheet: 'Hộ', row: 2, key: 'w|H1', member: false }, map)).to.equal(null);
    expect(ids.check('079123456789', { sheet: 'Hộ', row: 3, key: 'w|H1', member: false }, map), 'another round of H1').to.equal(null);
    expect(ids.check('079123456789', { sheet: 'Nhân khẩu', row: 2, key: 'w|H1', member: true }, map), 'the head as a member').to.equal(null);
    const other = ids.check('079123456789', { sheet: 'Hộ', row: 9, key: 'w|H2', member: false }, map)!;
    expect(other).to.include({ code: 'DUPLICATE_ID_IN_FILE', row: 9, column: 'Số CCCD/CMND', col: 4 });
    expect(other.message.vi).to.contain('dòng 9').and.contain('dòng 2');
    const twice = ids.check('079123456789', { sheet: 'Nhân khẩu', row: 5, key: 'w|H1', member: true }, map)!;
    expect(twice).to.include({ code: 'DUPLICATE_ID_NUMBER', row: 5, col: 7 });
    expect(twice.message.en).to.contain('row 5').and.contain('row 2');
  });
});
