import { expect } from 'chai';
import { buildRateRow, changePp, countPairs, countRound, divRoundHalfAway, emptyCounts, percent, sumTotals, type MaskGroup } from '../../server/domain/reports/rules.ts';

describe('report rules: rounding, rates, reconciliation', () => {
  it('rounds half away from zero in exact integers', () => {
    expect(divRoundHalfAway(5n, 2n)).to.equal(3n);
    expect(divRoundHalfAway(-5n, 2n)).to.equal(-3n);
    expect(divRoundHalfAway(7n, 3n)).to.equal(2n);
    expect(divRoundHalfAway(0n, 9n)).to.equal(0n);
  });

  it('percent: 2 decimals, half-up, exact where floats are not', () => {
    // Quận 12 end of 2017 (domain.md §6): 2,041 poor of ~116,000 households = 1.76 %.
    expect(percent(2041, 116_000)).to.equal(1.76);
    // 1/8 = 0.125 % → 0.13 (half-up); as a float 0.125*100 is fine, but 1.005 % is the classic trap:
    expect(percent(1, 800)).to.equal(0.13);
    expect(percent(201, 20000)).to.equal(1.01); // 1.005 → 1.01 (float rounding of 1.005 gives 1.00)
    expect(percent(0, 100)).to.equal(0);
  });

  it('never divides by zero: a missing or zero total gives null', () => {
    expect(percent(5, null)).to.equal(null);
    expect(percent(5, 0)).to.equal(null);
    expect(changePp(5, 100, 4, null)).to.equal(null);
    expect(changePp(5, 0, 4, 100)).to.equal(null);
  });

  it('change in percentage points is the exact difference of the two rates, rounded once', () => {
    expect(changePp(150, 10000, 200, 10000)).to.equal(-0.5);
    // 1/3 % − 0 % = 0.333… → 0.33
    expect(changePp(1, 300, 0, 300)).to.equal(0.33);
    // rates 1.005 % (→1.01) and 1.000 % (→1.00): exact change 0.005 → 0.01
    expect(changePp(201, 20000, 100, 10000)).to.equal(0.01);
    // negative halves round away from zero: 1.000 % → 1.005 % reversed = −0.005 → −0.01
    expect(changePp(100, 10000, 201, 20000)).to.equal(-0.01);
  });

  it('a district total is null when any ward lacks its total (a partial sum is a wrong denominator)', () => {
    expect(sumTotals([10, 20, 30])).to.equal(60);
    expect(sumTotals([10, null, 30])).to.equal(null);
    expect(sumTotals([])).to.equal(null);
  });

  it('buildRateRow flags missing totals and the baseline round, and refuses counts that do not reconcile', () => {
    const c = emptyCounts();
    c.poor = { start: 10, escaped: 3, removed: 0, fellBack: 1, new: 2, end: 10, unreviewed: 0, minorityStart: 0, minorityEnd: 0 };
    const open = { status: 'open' as const, decisionNumber: null, decisionDate: null };
    const row = buildRateRow({ code: 'w', name: 'W' }, c, null, 1000, false, open);
    expect(row.flags).to.deep.equal(['TOTAL_MISSING']);
    expect(row.poor.rate).to.equal(null);
    expect(row.poor.startRate).to.equal(1);
    expect(row.change.poorRatePp).to.equal(null);
    expect(buildRateRow({ code: 'w', name: 'W' }, emptyCounts(), 100, null, true, open).flags).to.deep.equal(['BASELINE_ROUND']);
    c.poor.end = 11;
    expect(() => buildRateRow({ code: 'w', name: 'W' }, c, 100, 100, false, open)).to.throw(/does not reconcile/);
    // The identity counts removed households: 10 − 3 − 2 + 1 + 2 = 8.
    c.poor = { ...c.poor, removed: 2, end: 8 };
    expect(buildRateRow({ code: 'w', name: 'W' }, c, 100, 100, false, open).poor.removedRate).to.equal(2);
  });

  it('countRound: per-list categories and moves between the lists', () => {
    // bit 0 = 2015. Household A: poor 2015, near-poor 2016. B: near-poor 2015, poor 2016. C: poor 2015, off 2016,
    // poor 2017 (fell back). Two of C.
    const groups: MaskGroup[] = [
      { wardCode: 'w', poorMask: 0b001, nearPoorMask: 0b010, assessedMask: 0b111, archivedRound: null, minority: false, households: 1 },
      { wardCode: 'w', poorMask: 0b010, nearPoorMask: 0b001, assessedMask: 0b111, archivedRound: null, minority: false, households: 1 },
      { wardCode: 'w', poorMask: 0b101, nearPoorMask: 0, assessedMask: 0b111, archivedRound: null, minority: true, households: 2 },
    ];
    const z = { removed: 0, unreviewed: 0 };
    const y2016 = countRound(groups, 2016, 2015).get('w')!;
    expect(y2016.poor).to.deep.equal({ ...z, start: 3, escaped: 3, fellBack: 0, new: 1, end: 1, minorityStart: 2, minorityEnd: 0 });
    expect(y2016.nearPoor).to.deep.equal({ ...z, start: 1, escaped: 1, fellBack: 0, new: 1, end: 1, minorityStart: 0, minorityEnd: 0 });
    expect(y2016.moves).to.deep.equal({ poorToNearPoor: 1, nearPoorToPoor: 1 });
    const y2017 = countRound(groups, 2017, 2015).get('w')!;
    expect(y2017.poor).to.deep.equal({ ...z, start: 1, escaped: 1, fellBack: 2, new: 0, end: 2, minorityStart: 0, minorityEnd: 2 });
    const y2015 = countRound(groups, 2015, 2015).get('w')!;
    expect(y2015.poor).to.deep.equal({ ...z, start: 0, escaped: 0, fellBack: 0, new: 3, end: 3, minorityStart: 0, minorityEnd: 2 });
  });

  it('countRound: an archived household is removed, never escaped; an unreviewed one stays on its list until approval', () => {
    // M: poor 2015, archived (moved) in 2016. U: poor 2015, no 2016 assessment, not archived.
    const groups: MaskGroup[] = [
      { wardCode: 'w', poorMask: 0b001, nearPoorMask: 0, assessedMask: 0b001, archivedRound: 2016, minority: false, households: 1 },
      { wardCode: 'w', poorMask: 0b001, nearPoorMask: 0, assessedMask: 0b001, archivedRound: null, minority: false, households: 1 },
    ];
    const open = countRound(groups, 2016, 2015, () => false).get('w')!;
    expect(open.poor).to.deep.equal({ start: 2, escaped: 0, removed: 1, fellBack: 0, new: 0, end: 1, unreviewed: 1, minorityStart: 0, minorityEnd: 0 });
    // Still carried in 2017 (not approved either): start 1, end 1, unreviewed 1.
    expect(countRound(groups, 2017, 2015, () => false).get('w')!.poor).to.include({ start: 1, end: 1, unreviewed: 1, removed: 0, escaped: 0 });
    // Once the round is approved, the list is what was reviewed: U is no longer carried.
    const approved = countRound(groups, 2016, 2015, () => true).get('w')!;
    expect(approved.poor).to.deep.equal({ start: 2, escaped: 1, removed: 1, fellBack: 0, new: 0, end: 0, unreviewed: 0, minorityStart: 0, minorityEnd: 0 });
  });

  it('countPairs: two rounds apart compare the two ends; a pair of consecutive rounds is the yearly count', () => {
    // bit 0 = 2015. N: first poor in 2016, not assessed in 2017 (carried while 2017 is open). S: poor 2015, off 2016,
    // poor 2017 (stayed between the ends). F: poor 2015, off 2016–2017, poor 2018 (fell back vs 2016). Q: poor 2015,
    // near-poor 2018 (a move over the span). R: poor 2016, archived in 2017 (removed).
    const groups: MaskGroup[] = [
      { wardCode: 'w', poorMask: 0b0010, nearPoorMask: 0, assessedMask: 0b0011, archivedRound: null, minority: false, households: 1 },
      { wardCode: 'w', poorMask: 0b0101, nearPoorMask: 0, assessedMask: 0b1111, archivedRound: null, minority: false, households: 1 },
      { wardCode: 'w', poorMask: 0b1001, nearPoorMask: 0, assessedMask: 0b1111, archivedRound: null, minority: false, households: 1 },
      { wardCode: 'w', poorMask: 0b0001, nearPoorMask: 0b1000, assessedMask: 0b1111, archivedRound: null, minority: true, households: 1 },
      { wardCode: 'w', poorMask: 0b0010, nearPoorMask: 0, assessedMask: 0b0011, archivedRound: 2017, minority: false, households: 1 },
    ];
    const open2017 = (_: string, r: number) => r !== 2017;
    const [span, yearly] = countPairs(groups, [{ from: 2015, round: 2017 }, { from: 2016, round: 2017 }], 2015, open2017);
    // 2015 → 2017 poor: S stayed; F and Q escaped; N new (first listed after 2015), carried in 2017 → unreviewed.
    expect(span!.get('w')!.poor).to.deep.equal({ start: 3, escaped: 2, removed: 0, fellBack: 0, new: 1, end: 2, unreviewed: 1, minorityStart: 1, minorityEnd: 0 });
    expect(yearly!.get('w')!.poor).to.deep.equal(countRound(groups, 2017, 2015, open2017).get('w')!.poor);
    // 2016 → 2018 (all reviewed): F fell back (poor before 2016), N escaped (off in 2018), R removed, Q moved.
    const [late] = countPairs(groups, [{ from: 2016, round: 2018 }], 2015, () => true);
    expect(late!.get('w')!.poor).to.include({ start: 2, escaped: 1, removed: 1, fellBack: 1, new: 0, end: 1 });
    expect(late!.get('w')!.moves).to.deep.equal({ poorToNearPoor: 0, nearPoorToPoor: 0 });
    const [long] = countPairs(groups, [{ from: 2015, round: 2018 }], 2015, () => true);
    expect(long!.get('w')!.moves).to.deep.equal({ poorToNearPoor: 1, nearPoorToPoor: 0 });
    expect(long!.get('w')!.nearPoor).to.include({ start: 0, new: 1, end: 1 });
  });
});
