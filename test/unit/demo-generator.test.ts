import { expect } from 'chai';
import { configFor } from '../../server/config.ts';
import { listMasks, transitionsFor } from '../../server/domain/assessments/rules.ts';
import { seedSetsResolver } from '../../scripts/lib/demo-assess.ts';
import { CALIBRATION_ROUND, DEMO_ROUNDS, DISTRICT_TOTALS, WARD_PROFILES, displayRate } from '../../scripts/lib/demo-district.ts';
import { generateDemoDistrict, districtLists, type DemoDataset } from '../../scripts/lib/demo-generator.ts';
import { Random, apportion } from '../../scripts/lib/demo-random.ts';

/** The demo district on the pure level (no database): deterministic, calibrated, plausible. */
describe('demo district generator', function () {
  this.timeout(60_000);
  const resolve = seedSetsResolver(configFor({}));
  let ds: DemoDataset;
  before(() => {
    ds = generateDemoDistrict(resolve);
  });

  it('is deterministic: the same seed gives the same data, another seed different data', () => {
    const again = generateDemoDistrict(resolve);
    expect(JSON.stringify(again.households)).to.equal(JSON.stringify(ds.households));
    expect(again.wardTotals).to.deep.equal(ds.wardTotals);
    const other = generateDemoDistrict(resolve, 'another-seed');
    expect(JSON.stringify(other.households.slice(0, 50))).not.to.equal(JSON.stringify(ds.households.slice(0, 50)));
    expect(districtLists(other, CALIBRATION_ROUND)).to.deep.equal({ poor: 2041, nearPoor: 1789 });
  });

  it('hits the 2017 city-standard calibration exactly: 2,041 poor (1.76 %) and 1,789 near-poor (1.55 %)', () => {
    expect(districtLists(ds, 2017)).to.deep.equal({ poor: 2041, nearPoor: 1789 });
    const total2017 = ds.wardTotals.filter((t) => t.round === 2017).reduce((s, t) => s + t.households, 0);
    expect(total2017).to.be.within(115_638, 115_793);
    expect(displayRate(2041, total2017)).to.equal('1.76');
    expect(displayRate(1789, total2017)).to.equal('1.55');
  });

  it('has ward totals for 11 wards × 6 rounds that sum to the district totals', () => {
    expect(ds.wardTotals).to.have.length(66);
    for (const round of DEMO_ROUNDS) {
      expect(ds.wardTotals.filter((t) => t.round === round).reduce((s, t) => s + t.households, 0)).to.equal(DISTRICT_TOTALS[round]);
    }
  });

  it('follows a plausible path: 3–4 % poor at the baseline, falling to 2018, a jump in 2019 (lines 28/36 M), lower in 2020', () => {
    const rate = (r: number) => districtLists(ds, r).poor / DISTRICT_TOTALS[r as 2015];
    expect(rate(2015)).to.be.within(0.03, 0.04);
    expect(rate(2016)).to.be.below(rate(2015));
    expect(rate(2017)).to.be.below(rate(2016));
    expect(rate(2018)).to.be.below(rate(2017));
    expect(rate(2019)).to.be.above(rate(2018) * 1.8);
    expect(rate(2020)).to.be.below(rate(2019));
  });

  it('makes the outer wards poorer than the inner ones in 2017', () => {
    const rateOf = (code: string) => ds.lists.get(code)![2017]!.poor / ds.wardTotals.find((t) => t.wardCode === code && t.round === 2017)!.households;
    const outer = WARD_PROFILES.filter((w) => w.ring === 'outer').map((w) => rateOf(w.code));
    const inner = WARD_PROFILES.filter((w) => w.ring === 'inner').map((w) => rateOf(w.code));
    expect(Math.min(...outer)).to.be.above(Math.max(...inner));
  });

  it('has escapes, new households and (from 2017) fall-backs on both city lists every year (the registry’s own transition rule)', () => {
    const seen: Record<string, Set<string>> = {};
    for (const h of ds.households) {
      const masks = listMasks(h.assessments.map((a) => ({ round: a.round, cityCategory: a.intended === 'above' ? 'not_poor' : a.intended, nationalCategory: null })), 2015);
      for (const round of DEMO_ROUNDS.slice(1)) {
        for (const [list, mask] of [['poor', masks.cityPoorMask], ['near_poor', masks.cityNearPoorMask]] as const) {
          const t = transitionsFor(mask, round, 2015);
          if (t) (seen[`${list}/${round}`] ??= new Set()).add(t);
        }
      }
    }
    // A fall-back needs an earlier escape, so the first one can only come in 2017.
    for (const round of DEMO_ROUNDS.slice(1)) {
      const expected = round === 2016 ? ['escaped', 'new', 'stayed'] : ['escaped', 'fell_back', 'new', 'stayed'];
      for (const list of ['poor', 'near_poor']) expect([...seen[`${list}/${round}`]!].sort(), `${list} ${round}`).to.deep.equal(expected);
    }
  });

  it('uses ID numbers that cannot be real (12 digits starting 000), unique, and names in NFC', () => {
    const ids = ds.households.flatMap((h) => h.members.map((m) => m.idNumber).filter((x): x is string => x !== null));
    expect(ids.length).to.be.greaterThan(ds.households.length);
    for (const id of ids) expect(id).to.match(/^000\d{9}$/);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const h of ds.households.slice(0, 200)) {
      expect(h.headName).to.equal(h.headName.normalize('NFC'));
      expect(h.headName.split(' ').length).to.be.at.least(3);
      expect(h.headIdNumber).to.equal(h.members[0]!.idNumber);
    }
    const codes = new Set(ds.households.map((h) => `${h.wardCode}/${h.householdCode}`));
    expect(codes.size).to.equal(ds.households.length);
  });

  it('apportions exactly and the PRNG repeats per seed', () => {
    expect(apportion(10, [1, 1, 1])).to.deep.equal([4, 3, 3]);
    expect(apportion(2041, WARD_PROFILES.map((w) => w.share)).reduce((s, x) => s + x, 0)).to.equal(2041);
    const a = new Random('x');
    const b = new Random('x');
    expect([a.next(), a.next(), a.int(1, 6)]).to.deep.equal([b.next(), b.next(), b.int(1, 6)]);
  });
});
