/**
 * Browser (issue 17): saving a household whose ID number another ward's household holds shows the DUPLICATE_PERSON
 * warning (a ward officer sees only that ward's name); the district finds the pair on the Duplicates page, reached
 * from the navigation, and resolves it.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD, WARDS, type TestServer } from '../support/server.ts';
import { loginThroughForm, openBrowser, requireBrowserOrSkip, startBrowserServer, type BrowserSession } from '../support/browser.ts';

const HOME = WARDS[0]!;
const OTHER = WARDS[1]!;
const SHARED = '079666777888';

describe('browser: duplicates', function () {
  this.timeout(120_000);
  let t: TestServer;
  let browser: BrowserSession;
  let page: Page;
  let exe: string;

  before(async function () {
    exe = requireBrowserOrSkip(this);
    t = await startBrowserServer();
    const admin = await t.admin();
    const res = await admin.post('/api/households', { wardCode: OTHER, householdCode: 'KHAC-001', address: '1 Đường Khác', area: 'urban', headName: 'Hồ Văn Khác', headIdNumber: SHARED, members: [] });
    expect(res.status).to.equal(201);
    await t.createUser('dup-officer', 'ward', HOME);
    await t.createUser('dup-district', 'district', null);
    browser = await openBrowser(exe);
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the household form shows the duplicate warning after save, with only the other ward’s name', async () => {
    await loginThroughForm(page, t.baseUrl, 'dup-officer', TEST_PASSWORD);
    await page.goto(`${t.baseUrl}/#/households/new`);
    await page.fill('[name=householdCode]', 'NHA-001');
    await page.fill('[name=headName]', 'Lý Thị Nhà');
    await page.fill('[name=headIdNumber]', SHARED);
    await page.fill('[name=address]', '5 Đường Nhà');
    await page.click('[data-testid=save-household]');
    const box = await page.waitForSelector('[data-testid=duplicate-warning]');
    const text = (await box.textContent()) ?? '';
    const wardName = await page.evaluate(async (code) => (await (await fetch('/api/units')).json()).features.find((f: any) => f.properties.code === code).properties.name, OTHER);
    expect(text).to.contain(wardName);
    expect(text).to.not.contain('KHAC-001').and.not.contain('Hồ Văn Khác');
  });

  it('the district resolves the pair from the Duplicates page', async () => {
    // A fresh browser profile: the district's own session.
    await browser.close();
    browser = await openBrowser(exe);
    page = browser.page;
    await loginThroughForm(page, t.baseUrl, 'dup-district', TEST_PASSWORD);
    await page.click('nav a[href="#/duplicates"]');
    await page.waitForSelector('tr[data-pair-id]');
    expect(await page.textContent('tr[data-pair-id]')).to.contain('KHAC-001').and.contain('NHA-001');
    await page.fill('tr[data-pair-id] [name=note]', 'Đã xác minh: hai người khác nhau');
    await page.click('tr[data-pair-id] [data-testid=not-duplicate]');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-pair-id]').length === 0 && document.querySelector('[data-testid=duplicates-total]'));
  });
});
