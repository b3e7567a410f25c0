/** The one definition of acceptable text (server/domain/text-safety.ts), as the API and the import share it. */
import { expect } from 'chai';
import { householdCodeProblem, identityTextProblem, isLegacyEncoded, plainTextProblem } from '../../server/domain/text-safety.ts';

const code = (s: string) => identityTextProblem(s)?.code ?? null;

describe('text safety', () => {
  it('refuses control, bidi and zero-width characters everywhere; keeps tab and newline in plain text', () => {
    for (const ch of ['\u0000', '\u0007', '\u001B', '\u007F', '\u0085', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u202A', '\u202E', '\u2066', '\u2069', '\u200E', '\u061C', '\u00AD', '\uD800']) {
      expect(plainTextProblem(`Lê${ch}Văn`)?.code, `U+${ch.charCodeAt(0).toString(16)}`).to.equal('INVALID_CHARACTERS');
    }
    expect(plainTextProblem('dòng 1\ndòng 2\tcột')).to.equal(null);
    expect(plainTextProblem('😀 Nguyễn')).to.equal(null);
  });

  it('accepts Vietnamese names and addresses, including the vowel pairs that look like VNI', () => {
    for (const s of ['Nguyễn Văn An', 'Hoàng Thị Thuý', 'Đoàn Quân', 'Ngô Thị Huệ', 'Lê Ngoãn', 'Khoẻ', 'Hoè', 'Quà', 'Giàu', 'Giúp', 'Giã', 'Tiên Yên', 'Thuê', 'Xoài', 'Lê Thị Thò', 'Số 12/3 Tổ 5, khu phố 2, Thạnh Xuân', 'Trần Quốc Toản', 'Huỳnh Tấn Phát', 'Иван Петров']) {
      expect(code(s), s).to.equal(null);
    }
  });

  it('refuses look-alike scripts among Latin letters, and TCVN3/VNI text', () => {
    expect(code('Nguy\u0435n')).to.equal('MIXED_SCRIPT');
    expect(code('Tr\u03b1n')).to.equal('MIXED_SCRIPT');
    for (const s of ['Nguyeãn Vaên An', 'Traàn Thò Bình', 'Maõ hoä', 'Hoï teân chuû hoä', 'NguyÔn V¨n An', 'TrÇn ThÞ B×nh', 'Lª V¨n Hïng']) {
      expect(code(s), s).to.equal('LEGACY_ENCODING');
      expect(isLegacyEncoded(s), s).to.equal(true);
    }
  });

  it('household codes: ASCII letters, digits and - / . only', () => {
    for (const ok of ['A-001', 'KP3-0123', '12/4', 'TX.05', 'b7']) expect(householdCodeProblem(ok), ok).to.equal(null);
    for (const bad of ['\u0410-001', 'Đ-001', 'A_001', 'A 001', '-A1', '', 'x'.repeat(41)]) expect(householdCodeProblem(bad)?.code, bad).to.equal('HOUSEHOLD_CODE');
  });
});
