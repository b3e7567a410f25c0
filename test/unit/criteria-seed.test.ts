import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_FOLDER } from '../../server/db/migrate.ts';
import { criteriaSeedSql, SEED_CRITERIA_SETS } from '../../server/domain/criteria/seed.ts';
import { checkSetConsistency } from '../../server/domain/criteria/service.ts';

describe('criteria seed', () => {
  it('the seed migration inserts exactly the sets of seed.ts', () => {
    const file = fs.readdirSync(MIGRATIONS_FOLDER).find((f) => f.endsWith('_seed_criteria.sql'));
    expect(file, 'seed migration').to.be.a('string');
    const text = fs.readFileSync(path.join(MIGRATIONS_FOLDER, file!), 'utf8');
    expect(text).to.contain(criteriaSeedSql());
  });

  it('ships the three sets with the lines of domain.md, the city ones provisional', () => {
    expect(SEED_CRITERIA_SETS.map((s) => [s.id, s.version, s.standard, s.provisional, s.indicators.length])).to.deep.equal([
      ['vn-2016-2020', 1, 'national', false, 10],
      ['hcm-2016-2018', 1, 'city', true, 11],
      ['hcm-2019-2020', 1, 'city', true, 11],
    ]);
    expect(SEED_CRITERIA_SETS[0]!.lines).to.deep.equal({ urban: { poor: 900_000, nearPoor: 1_300_000, average: 1_950_000 }, rural: { poor: 700_000, nearPoor: 1_000_000, average: 1_500_000 } });
    expect(SEED_CRITERIA_SETS[1]!.lines).to.deep.equal({ all: { poor: 21_000_000, nearPoor: 28_000_000 } });
    expect(SEED_CRITERIA_SETS[2]!.lines).to.deep.equal({ all: { poor: 28_000_000, nearPoor: 36_000_000 } });
    for (const s of SEED_CRITERIA_SETS) expect(() => checkSetConsistency(s)).not.to.throw();
  });
});
