/**
 * Browser: the household list's pager walks pages with the server's keyset cursor (issue 14) and still shows page
 * numbers; previous comes back to the same rows; a bookmarked page number without a cursor still opens.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD, WARDS, type TestServer } from '../support/server.ts';
import { loginThroughForm, openBrowser, requireBrowserOrSkip, startBrowserServer, type BrowserSession } from '../support/browser.ts';
import { createHousehold } from './seed.ts';

const WARD = WARDS[0]!;

describe('browser: household list pager (keyset cursor with page numbers)', function () {
  this.timeout(180_000);
  let t: TestServer;
  let browser: BrowserSession;
  let page: Page;

  before(async function () {
    const exe = requireBrowserOrSkip(this);
    t = await startBrowserServer();
    const admin = await t.admin();
    for (let i = 1; i <= 30; i++) await createHousehold(admin, { wardCode: WARD, householdCode: `PG-${String(i).padStart(3, '0')}`, headName: `Hộ Số ${i}`, rounds: { 2020: 'not_poor' } });
    await t.createUser('pager', 'ward', WARD);
    browser = await openBrowser(exe);
    page = browser.page;
    await loginThroughForm(page, t.baseUrl, 'pager', TEST_PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const codes = () => page.$$eval('tr[data-household-id] td:first-child', (tds) => tds.map((td) => td.textContent?.trim()));

  it('next carries a cursor and the page number; previous returns the first page', async () => {
    await page.goto(`${t.baseUrl}/#/households?round=2020`);
    await page.waitForSelector('tr[data-household-id]');
    const first = await codes();
    expect(first).to.have.length(25);
    expect(first[0]).to.equal('PG-001');
    await page.click('nav.pager a.button >> nth=-1');
    await page.waitForFunction(() => location.hash.includes('page=2'));
    expect(page.url()).to.contain('cursor=');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-household-id]').length === 5);
    expect(await codes()).to.deep.equal(['PG-026', 'PG-027', 'PG-028', 'PG-029', 'PG-030']);
    expect(await page.textContent('nav.pager')).to.contain('2');
    await page.click('nav.pager a.button >> nth=0');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-household-id]').length === 25);
    expect(await codes()).to.deep.equal(first);
  });

  it('a page number without a cursor (a bookmark) opens that page', async () => {
    await page.goto(`${t.baseUrl}/#/households?round=2020&page=2`);
    await page.waitForFunction(() => document.querySelectorAll('tr[data-household-id]').length === 5);
    expect((await codes())[0]).to.equal('PG-026');
  });
});
