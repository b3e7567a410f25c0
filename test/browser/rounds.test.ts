/**
 * Browser: the official record (issue 12). A ward officer sees the round's status, the unreviewed households and a
 * Submit button; the district approves with a decision number and date on the Rounds page; the assessment form of an
 * approved round is read-only with a notice.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD, WARDS, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { loginThroughForm, openBrowser, requireBrowserOrSkip, screenshot, startBrowserServer, type BrowserSession } from '../support/browser.ts';
import { cityIncome, createHousehold, ok } from './seed.ts';

const WARD = WARDS[2]!;

describe('browser: rounds — submit, approve, read-only when approved', function () {
  this.timeout(180_000);
  let t: TestServer;
  let admin: ApiClient;
  let browser: BrowserSession;
  let page: Page;
  let unreviewed: string;

  before(async function () {
    const exe = requireBrowserOrSkip(this);
    t = await startBrowserServer();
    admin = await t.admin();
    // Poor in 2019 and not yet re-surveyed in 2020: it blocks the ward's 2020 submit.
    unreviewed = await createHousehold(admin, { wardCode: WARD, householdCode: 'HT-001', headName: 'Đỗ Văn Chưa', rounds: { 2019: 'poor' } });
    await createHousehold(admin, { wardCode: WARD, householdCode: 'HT-002', headName: 'Lê Thị Xong', rounds: { 2019: 'poor', 2020: 'poor' } });
    await t.createUser('ht-officer', 'ward', WARD);
    await t.createUser('ht-district', 'district', null);
    browser = await openBrowser(exe);
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the ward officer sees the unreviewed household, is refused, then submits once it is reviewed', async () => {
    await loginThroughForm(page, t.baseUrl, 'ht-officer', TEST_PASSWORD);
    await page.goto(`${t.baseUrl}/#/rounds?round=2020`);
    await page.waitForSelector('[data-testid=my-round]');
    expect(await page.textContent('[data-testid=unreviewed-list]')).to.contain('HT-001 — Đỗ Văn Chưa');
    await page.click('[data-testid=submit-round]');
    await page.waitForSelector('[data-testid=page-error]:has-text("HT-001")');
    await ok(admin.put(`/api/households/${unreviewed}/assessments/2020`, { income: { amount: cityIncome('not_poor', 2020), per: 'year' }, deprivations: [] }), 'review HT-001');
    await page.reload();
    await page.waitForSelector('[data-testid=submit-round]');
    await page.click('[data-testid=submit-round]');
    await page.waitForSelector(`tr[data-ward-code="${WARD}"][data-status=submitted]`);
    expect(await page.locator('[data-testid=submit-round]').count()).to.equal(0);
  });

  it('the district approves with a decision number and date; the ward’s approved form is read-only', async () => {
    await page.context().clearCookies();
    await loginThroughForm(page, t.baseUrl, 'ht-district', TEST_PASSWORD);
    await page.goto(`${t.baseUrl}/#/rounds?round=2020`);
    const form = `[data-testid=approve-${WARD}]`;
    await page.waitForSelector(form);
    await page.fill(`${form} [name=decisionNumber]`, '125/QĐ-UBND');
    await page.fill(`${form} [name=decisionDate]`, '2020-12-22');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector(`tr[data-ward-code="${WARD}"][data-status=approved]`);
    expect(await page.textContent(`tr[data-ward-code="${WARD}"]`)).to.contain('125/QĐ-UBND');
    await screenshot(page, 'rounds-1366', { fullPage: true });
    await page.goto(`${t.baseUrl}/#/households/${unreviewed}/assessments/2020`);
    await page.waitForSelector('[data-testid=round-approved]');
    expect(await page.textContent('[data-testid=round-approved]')).to.contain('125/QĐ-UBND');
    expect(await page.locator('[data-testid=save-assessment]').count()).to.equal(0);
    expect(await page.isDisabled('[name="income.amount"]')).to.equal(true);
    expect(browser.pageErrors).to.deep.equal([]);
  });
});
