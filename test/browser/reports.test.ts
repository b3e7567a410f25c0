/**
 * Browser (issue 15): the reports page on the hand-computed fixture (test/support/report-fixtures.ts) — the compare
 * selector (any earlier round), the poor ↔ near-poor moves and the change in points, the baseline round's note,
 * a table that scrolls sideways inside its region with No. and ward kept in view at 1366 px, English, axe.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD, type TestServer } from '../support/server.ts';
import { FIXTURE_WARDS, loadReportFixture } from '../support/report-fixtures.ts';
import { expectAccessible, horizontalOverflow, loginThroughForm, openBrowser, requireBrowserOrSkip, screenshot, startBrowserServer, type BrowserSession } from '../support/browser.ts';

const A = `tr[data-ward-code="${FIXTURE_WARDS.A}"]`;

describe('browser: reports page — compare two rounds, moves, points, fits 1366 px', function () {
  this.timeout(240_000);
  let t: TestServer;
  let exe: string;
  let browser: BrowserSession;
  let page: Page;

  before(async function () {
    exe = requireBrowserOrSkip(this);
    t = await startBrowserServer();
    await loadReportFixture(await t.as('district', null, 'fixture-loader'));
    await t.createUser('reporter', 'district');
    browser = await openBrowser(exe);
    page = browser.page;
    await loginThroughForm(page, t.baseUrl, 'reporter', TEST_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const cell = (row: string, col: string) => page.textContent(`${row} [data-col="${col}"]`).then((s) => s?.trim());

  it('the yearly report shows the moves and the change in points; the selector defaults to the previous round', async () => {
    await page.goto(`${t.baseUrl}/#/reports?round=2019`);
    await page.waitForSelector(`[data-testid=report] ${A}`);
    expect(await page.inputValue('[data-testid=report-from]')).to.equal('2018');
    expect(await page.textContent('[data-testid=report-from] option:checked')).to.equal('2018 (năm trước)');
    // Ward A, city 2019 vs 2018: 3/1250 − 1/1200 = +0.16 points; A3 near-poor → poor.
    expect(await cell(A, 'change.poor')).to.equal('+0,16');
    expect(await cell(A, 'moves.nearPoorToPoor')).to.equal('1');
    expect(await cell(A, 'moves.poorToNearPoor')).to.equal('0');
    expect(await page.$('[data-testid=compared-note]')).to.equal(null);
    expect(await page.textContent('.report-table thead')).to.contain('Nghèo → cận nghèo');
  });

  it('comparing 2019 with 2015: the counts, moves and points of the two rounds, headed by them', async () => {
    await page.selectOption('[data-testid=report-from]', '2015');
    await page.waitForFunction(() => location.hash.includes('from=2015'));
    await page.waitForSelector('[data-testid=compared-note]');
    await page.waitForSelector('.report-table caption:has-text("so với năm 2015")');
    expect(await cell(A, 'poor.start')).to.equal('2');
    expect(await cell(A, 'poor.removed')).to.equal('1');
    expect(await cell(A, 'poor.new')).to.equal('2');
    expect(await cell(A, 'poor.end')).to.equal('3');
    expect(await cell(A, 'nearPoor.escaped')).to.equal('1');
    expect(await cell(A, 'moves.nearPoorToPoor')).to.equal('1');
    // 3/1250 − 2/1000 = +0.04 points; near-poor 0 − 1/1000 = −0.10.
    expect(await cell(A, 'change.poor')).to.equal('+0,04');
    expect(await cell(A, 'change.nearPoor')).to.match(/^[-−]0,10$/);
    expect(await cell('tfoot tr', 'change.poor')).to.match(/^[-−]0,01$/);
    const heads = await page.$$eval('.report-table thead tr:nth-child(2) th', (ths) => ths.map((th) => th.textContent));
    expect(heads).to.include.members(['Năm 2015', 'Năm 2019']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-rates]')]);
    expect(download.suggestedFilename()).to.equal('ty-le-ho-ngheo-2015-2019-city.xlsx');
    await expectAccessible(page, 'reports compared 1366');
    await screenshot(page, 'reports-compare-1366');
  });

  it('fits 1366 px: the table scrolls inside its region, No. and ward (cells and headings) stay in view', async () => {
    expect(await horizontalOverflow(page)).to.equal(0);
    const region = '[data-testid=report]';
    const wide = await page.$eval(region, (el) => el.scrollWidth - el.clientWidth);
    expect(wide).to.be.greaterThan(0);
    const at = () => page.$$eval(`${A} td:nth-child(2), .report-table thead th.sticky-2, ${A} [data-col="poor.start"]`, (els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    const before = await at();
    await page.$eval(region, (el) => el.scrollTo({ left: el.scrollWidth }));
    await page.waitForFunction((sel) => document.querySelector(sel)!.scrollLeft > 0, region);
    const after = await at();
    expect(after[0], 'ward cell').to.equal(before[0]);
    expect(after[1], 'ward heading').to.equal(before[1]);
    expect(after[2]!, 'a scrolled cell').to.be.lessThan(before[2]!);
    await screenshot(page, 'reports-scrolled-1366');
  });

  it('the baseline round has no comparison and says why everything is new', async () => {
    await page.goto(`${t.baseUrl}/#/reports?round=2015`);
    await page.waitForSelector(`[data-testid=report] ${A}`);
    expect(await page.$('[data-testid=report-from]')).to.equal(null);
    expect(await page.textContent('[data-testid=baseline-note]')).to.contain('mọi hộ trong danh sách đều được tính là "phát sinh mới"');
    expect(await cell(A, 'poor.new')).to.equal('2');
    expect(await cell(A, 'change.poor')).to.equal('—');
  });

  it('in English, and on a phone (no sideways page scrolling, axe)', async () => {
    await page.goto(`${t.baseUrl}/#/reports?round=2019&from=2016`);
    await page.waitForSelector(`[data-testid=report] ${A}`);
    await page.click('[data-testid=lang-toggle]');
    await page.waitForSelector('.report-table caption:has-text("Round 2019 compared with 2016")');
    expect(await page.textContent('label[for=rep-from]')).to.equal('Compare with round');
    expect(await page.textContent('.report-table thead')).to.contain('Near-poor → poor');
    expect(await page.textContent('[data-testid=compared-note]')).to.contain('"fell back" ones had left the list before 2016');
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.documentElement.lang === 'vi');

    const phone = await openBrowser(exe, { width: 390, height: 844 });
    try {
      await loginThroughForm(phone.page, t.baseUrl, 'reporter', TEST_PASSWORD);
      await phone.page.goto(`${t.baseUrl}/#/reports?round=2019&from=2015`);
      await phone.page.waitForSelector(`[data-testid=report] ${A}`);
      expect(await horizontalOverflow(phone.page)).to.equal(0);
      await expectAccessible(phone.page, 'reports compared 390');
      await screenshot(phone.page, 'reports-compare-390');
      expect(phone.pageErrors).to.deep.equal([]);
    } finally {
      await phone.close();
    }
    expect(browser.pageErrors).to.deep.equal([]);
  });
});
