/**
 * Browser: the Backups page (issue 18). An administrator sees that no backup exists yet, takes one with the button,
 * and finds it listed with its checksum; a district officer has no Backups link.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import { loginThroughForm, openBrowser, requireBrowserOrSkip, screenshot, startBrowserServer, type BrowserSession } from '../support/browser.ts';

describe('browser: backups page', function () {
  this.timeout(120_000);
  let t: TestServer;
  let browser: BrowserSession;
  let page: Page;

  before(async function () {
    const exe = requireBrowserOrSkip(this);
    t = await startBrowserServer({ env: { BACKUP_AT: '02:00', BACKUP_KEEP: '5' } });
    await t.createUser('quan12-backups', 'district');
    browser = await openBrowser(exe);
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('an administrator starts a backup and sees it listed with its age and checksum', async () => {
    await loginThroughForm(page, t.baseUrl, 'admin', ADMIN_PASSWORD);
    await page.click('nav a[href="#/admin/backups"]');
    await page.waitForSelector('[data-testid=backup-age]');
    expect(await page.textContent('[data-testid=backup-age]')).to.match(/Chưa có bản sao lưu/);
    expect(await page.textContent('main')).to.match(/hằng ngày lúc 02:00; giữ 5 bản/);
    await page.click('[data-testid=backup-start]');
    await page.waitForSelector('[data-testid=backup-list] tbody tr');
    expect(await page.textContent('[data-testid=backup-message]')).to.match(/Đã sao lưu \d+ dòng/);
    expect(await page.textContent('[data-testid=backup-age]')).to.match(/Lần sao lưu gần nhất/);
    const listed = (await (await t.admin()).get('/api/admin/backups')).body.data[0];
    expect(await page.getAttribute('[data-testid=backup-list] tbody tr td.mono', 'title')).to.equal(listed.sha256);
    await screenshot(page, 'backups-1366');
  });

  it('a district officer has no Backups link', async () => {
    await browser.context.clearCookies();
    await loginThroughForm(page, t.baseUrl, 'quan12-backups', TEST_PASSWORD);
    await page.waitForSelector('nav a[href="#/reports"]');
    expect(await page.locator('nav a[href="#/admin/backups"]').count()).to.equal(0);
  });
});
