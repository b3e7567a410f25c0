import { expect } from 'chai';
import { cleanText, fold, foldKey } from '../../server/domain/text.ts';

describe('text normalisation', () => {
  it('stores NFC and collapses white space', () => {
    const nfd = 'Nguye\u0302\u0303n  Va\u0306n   A '.normalize('NFD');
    expect(cleanText(nfd)).to.equal('Nguyễn Văn A');
    expect(cleanText(nfd)).to.equal('Nguyễn Văn A'.normalize('NFC'));
  });
  it('folds diacritics and đ so searches without accents match', () => {
    expect(fold('Nguyễn Văn Đức')).to.equal('nguyen van duc');
    expect(fold('NGUYỄN VĂN A'.normalize('NFD'))).to.equal('nguyen van a');
  });
  it('foldKey drops punctuation and spaces for header matching', () => {
    expect(foldKey('Mã hộ')).to.equal('maho');
    expect(foldKey('ma_ho')).to.equal('maho');
    expect(foldKey('Số CCCD/CMND')).to.equal('socccdcmnd');
  });
});
