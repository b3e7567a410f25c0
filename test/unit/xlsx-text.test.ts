import { expect } from 'chai';
import { neutraliseFormula, restoreNeutralised } from '../../server/domain/xlsx-text.ts';

describe('formula neutralisation', () => {
  const payloads = ['=HYPERLINK("http://x","y")', '+cmd|/C calc!A0', '-2+3', '@SUM(A1:A2)', '\t=1+1', '\r=1+1'];
  it('prefixes every dangerous start and round-trips', () => {
    for (const p of payloads) {
      const safe = neutraliseFormula(p);
      expect(safe.startsWith("'")).to.equal(true);
      expect(restoreNeutralised(safe)).to.equal(p);
    }
  });
  it('leaves ordinary text alone, including a real leading apostrophe before a letter', () => {
    expect(neutraliseFormula('Nguyễn Văn A')).to.equal('Nguyễn Văn A');
    expect(restoreNeutralised("'abc")).to.equal("'abc");
  });
});
