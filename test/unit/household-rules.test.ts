import { expect } from 'chai';
import { householdProblems, normalizeHousehold, searchTextOf, searchQueryOf, type Member } from '../../server/domain/households/rules.ts';

const m = (over: Partial<Member> = {}): Member => ({ name: 'Nguyễn Văn A', birthYear: 1980, sex: 'male', relation: 'chủ hộ', idNumber: null, hasHealthInsurance: true, inSchool: false, ...over });

describe('household rules', () => {
  it('normalises names and addresses to NFC with collapsed white space, IDs without spaces', () => {
    const nfd = '  Nguyễn   Văn A '.normalize('NFD');
    const h = normalizeHousehold({ headName: nfd, address: ' 12  Lê Lợi '.normalize('NFD'), headIdNumber: '079 123 456 789', members: [m({ name: nfd, idNumber: '' })] });
    expect(h.headName).to.equal('Nguyễn Văn A'.normalize('NFC'));
    expect(h.headName.normalize('NFC')).to.equal(h.headName);
    expect(h.address).to.equal('12 Lê Lợi');
    expect(h.headIdNumber).to.equal('079123456789');
    expect(h.members![0]!.idNumber).to.equal(null);
  });

  const ids: [string, boolean][] = [
    ['012345678', true],
    ['012345678901', true],
    ['01234567', false],
    ['0123456789', false],
    ['01234567890a', false],
  ];
  for (const [id, ok] of ids) {
    it(`ID number ${id} is ${ok ? 'accepted' : 'refused'} (leading zeros kept)`, () => {
      const problems = householdProblems({ headIdNumber: id, members: [m({ idNumber: id })] }, 2020);
      expect(problems.map((p) => p.path)).to.deep.equal(ok ? [] : ['headIdNumber', 'members.0.idNumber']);
    });
  }

  it('checks birth years and the household code, with a prefix for import rows', () => {
    const problems = householdProblems({ householdCode: 'bad code!', members: [m({ birthYear: 1899 }), m({ birthYear: 2021 })] }, 2020, 'rows.4');
    expect(problems.map((p) => p.path)).to.deep.equal(['rows.4.householdCode', 'rows.4.members.0.birthYear', 'rows.4.members.1.birthYear']);
    expect(problems[0]!.message.vi).to.be.a('string').and.not.empty;
    expect(householdProblems({ householdCode: 'KP3-0123/A' }, 2020)).to.deep.equal([]);
  });

  it('search text folds accents so "nguyen van a" (or NFD input) matches', () => {
    const text = searchTextOf({ householdCode: 'HK-01', headName: 'Nguyễn Văn A', address: 'Đường Tô Ký', members: [{ name: 'Trần Thị Bích' }] });
    expect(text).to.contain('nguyen van a').and.contain('duong to ky').and.contain('tran thi bich').and.contain('hk-01');
    expect(text).to.contain(searchQueryOf('NGUYỄN VĂN A'.normalize('NFD')));
  });
});
