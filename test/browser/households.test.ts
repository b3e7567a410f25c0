/**
 * Browser: a ward officer works on their ward's households — sees only their ward, edits an assessment and sees the
 * new classification, gets inline validation messages, and a clear message when someone else saved first (412).
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD, WARDS, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { loginThroughForm, openBrowser, requireBrowserOrSkip, screenshot, startBrowserServer, type BrowserSession } from '../support/browser.ts';
import { cityIncome, createHousehold, ok } from './seed.ts';

const MY_WARD = WARDS[0]!;
const OTHER_WARD = WARDS[1]!;

describe('browser: households as a ward officer', function () {
  this.timeout(120_000);
  let t: TestServer;
  let admin: ApiClient;
  let browser: BrowserSession;
  let page: Page;
  let mine: string;

  before(async function () {
    const exe = requireBrowserOrSkip(this);
    t = await startBrowserServer();
    admin = await t.admin();
    mine = await createHousehold(admin, { wardCode: MY_WARD, householdCode: 'TX-001', headName: 'Trần Thị Ánh', rounds: { 2019: 'poor', 2020: 'poor' } });
    await createHousehold(admin, { wardCode: MY_WARD, householdCode: 'TX-002', headName: 'Lê Văn Bình', rounds: { 2020: 'near_poor' } });
    await createHousehold(admin, { wardCode: OTHER_WARD, householdCode: 'TL-001', headName: 'Phạm Văn Cường', rounds: { 2020: 'poor' } });
    await t.createUser('officer', 'ward', MY_WARD);
    browser = await openBrowser(exe);
    page = browser.page;
    await loginThroughForm(page, t.baseUrl, 'officer', TEST_PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists only the households of the officer’s ward, with accent-insensitive search', async () => {
    await page.goto(`${t.baseUrl}/#/households?round=2020`);
    await page.waitForSelector('[data-testid=households-total]');
    const codes = await page.$$eval('tr[data-household-id] td:first-child', (tds) => tds.map((td) => td.textContent));
    expect(codes.sort()).to.deep.equal(['TX-001', 'TX-002']);
    expect(await page.isDisabled('#hh-ward')).to.equal(true);
    await page.fill('#hh-q', 'tran thi anh');
    await page.press('#hh-q', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-household-id]').length === 1);
    expect(await page.textContent('tr[data-household-id]')).to.contain('Trần Thị Ánh');
  });

  it('edits an assessment and shows the new classification with its reasons', async () => {
    await page.goto(`${t.baseUrl}/#/households/${mine}`);
    await page.waitForSelector('[data-testid=household-title]');
    const cityBadge = '[data-round="2020"] [data-standard=city] [data-category]';
    expect(await page.getAttribute(cityBadge, 'data-category')).to.equal('poor');
    await page.click('[data-testid=edit-assessment-2020]');
    await page.waitForSelector('[name="income.amount"]');
    await page.fill('[name="income.amount"]', String(cityIncome('near_poor', 2020)));
    await page.selectOption('[name="income.per"]', 'year');
    await page.click('[data-testid=save-assessment]');
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-category') === 'near_poor', cityBadge);
    const reasons = await page.textContent('[data-round="2020"] [data-standard=city]');
    expect(reasons!.length, 'reasons are listed').to.be.greaterThan(20);
    const api = await admin.get(`/api/households?ward=${MY_WARD}&round=2020&standard=city&category=near_poor`);
    expect(api.body.data.map((h: { id: string }) => h.id)).to.include(mine);
    await screenshot(page, 'household-detail-1366', { fullPage: true });
  });

  it('shows the server’s validation message under the field', async () => {
    await page.goto(`${t.baseUrl}/#/households/${mine}/edit`);
    await page.waitForSelector('[name=headIdNumber]');
    await page.fill('[name=headIdNumber]', '12345');
    await page.click('[data-testid=save-household]');
    await page.waitForSelector('[data-field=headIdNumber].invalid .field-error:not(:empty)');
    expect(await page.getAttribute('[name=headIdNumber]', 'aria-invalid')).to.equal('true');
  });

  it('says clearly that someone else changed the record (412) and keeps the user’s input', async () => {
    await page.goto(`${t.baseUrl}/#/households/${mine}/edit`);
    await page.waitForSelector('[name=address]');
    // Someone else saves first.
    const current = await admin.get(`/api/households/${mine}`);
    await ok(admin.patch(`/api/households/${mine}`, { address: '99 Đường Khác' }, { 'if-match': current.headers.get('etag')! }), 'concurrent edit');
    await page.fill('[name=headIdNumber]', '');
    await page.fill('[name=address]', '12 Đường Mới');
    await page.click('[data-testid=save-household]');
    await page.waitForSelector('[data-testid=page-error]:has-text("người khác sửa")');
    expect(await page.inputValue('[name=address]')).to.equal('12 Đường Mới');
    const after = await admin.get(`/api/households/${mine}`);
    expect(after.body.address).to.equal('99 Đường Khác');
  });

  it('does not show another ward’s household', async () => {
    const other = await admin.get(`/api/households?ward=${OTHER_WARD}`);
    const id = other.body.data[0].id as string;
    await page.goto(`${t.baseUrl}/#/households/${id}`);
    await page.waitForSelector('.error-box');
    expect(await page.locator('[data-testid=household-title]').count()).to.equal(0);
    expect(browser.pageErrors).to.deep.equal([]);
  });
});
