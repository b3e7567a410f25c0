import fs from 'node:fs';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('config', () => {
  it('starts with no environment at all, with documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).to.equal(3000);
    expect(c.databaseUrl).to.equal(null);
    expect(c.dataDir).to.match(/data$/);
    // Round 2018 already used the raised city lines (domain.md §3, issue 12 §4).
    expect(c.criteriaRounds.city).to.deep.equal([{ from: 2015, to: 2017, set: 'hcm-2016-2018' }, { from: 2018, to: 2020, set: 'hcm-2019-2020' }]);
  });

  it('.env.example, copied as it is, gives the same configuration as no environment (its values are the defaults)', () => {
    const env: Record<string, string> = {};
    for (const line of fs.readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
      if (m) env[m[1]!] = m[2]!;
    }
    expect(Object.keys(env)).to.include.members(['CRITERIA_ROUNDS', 'PORT', 'DATABASE_URL']);
    // Its CRITERIA_ROUNDS once still had round 2018 under the old city lines, unlike the default (domain.md §3).
    expect(loadConfig(env)).to.deep.equal(loadConfig({}));
  });

  it('refuses bad values and names every bad key at once', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', ADMIN_PASSWORD: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConfigError);
    const keys = (err as ConfigError).problems.map((p) => p.key).sort();
    expect(keys).to.deep.equal(['ADMIN_PASSWORD', 'DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    expect((err as ConfigError).message).to.contain('PORT');
  });

  it('refuses a CRITERIA_ROUNDS that is not the expected JSON', () => {
    expect(() => loadConfig({ CRITERIA_ROUNDS: '{nope' })).to.throw(ConfigError, /CRITERIA_ROUNDS/);
    expect(() => loadConfig({ CRITERIA_ROUNDS: '{"city":[{"from":2019,"to":2015,"set":"x"}],"national":[]}' })).to.throw(ConfigError, /CRITERIA_ROUNDS/);
  });

  it('TILE_URL=off means no base layer', () => {
    expect(loadConfig({ TILE_URL: 'off' }).tileUrl).to.equal(null);
    expect(loadConfig({ TILE_URL: 'https://tile.example/{z}/{x}/{y}.png' }).tileUrl).to.contain('{z}');
  });
});
