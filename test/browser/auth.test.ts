/**
 * Browser: first sign-in of a new account (password change required before anything else), the demo banner,
 * signing out, and the login redirect that brings the user back to the page they asked for.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server.ts';
import { openBrowser, requireBrowserOrSkip, screenshot, startBrowserServer, type BrowserSession } from '../support/browser.ts';
import { ok } from './seed.ts';

describe('browser: first sign-in, demo banner, sign-out', function () {
  this.timeout(120_000);
  let t: TestServer;
  let browser: BrowserSession;
  let page: Page;

  before(async function () {
    const exe = requireBrowserOrSkip(this);
    t = await startBrowserServer({ env: { DEMO_MODE: '1' } });
    const admin = await t.admin();
    await ok(admin.post('/api/users', { username: 'quan12', password: 'initial-pass-123', role: 'district' }), 'create user');
    browser = await openBrowser(exe);
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the demo banner and sends a signed-out visitor to the login page', async () => {
    await page.goto(`${t.baseUrl}/#/reports?round=2019`);
    await page.waitForSelector('form [name=username]');
    expect(page.url()).to.contain('#/login?next=');
    expect(await page.textContent('[data-testid=demo-banner]')).to.match(/trình diễn/);
    await page.click('form button[type=submit]');
    await page.waitForSelector('[data-testid=form-error]:has-text("tên đăng nhập và mật khẩu")');
    await screenshot(page, 'login-1366');
  });

  it('requires a new password at first sign-in, with the server’s message under the field', async () => {
    await page.fill('[name=username]', 'quan12');
    await page.fill('[name=password]', 'initial-pass-123');
    await page.click('form button[type=submit]');
    await page.waitForSelector('[name=currentPassword]');
    expect(await page.textContent('main')).to.match(/lần đăng nhập đầu tiên/);
    // Other pages stay closed until the password is changed.
    await page.goto(`${t.baseUrl}/#/households`);
    await page.waitForSelector('[name=currentPassword]');

    await page.fill('[name=currentPassword]', 'wrong-password-1');
    await page.fill('[name=newPassword]', 'brand-new-pass-456');
    await page.fill('[name=repeat]', 'brand-new-pass-456');
    await page.click('form button[type=submit]');
    await page.waitForSelector('[data-field=currentPassword].invalid .field-error:not(:empty)');

    await page.fill('[name=currentPassword]', 'initial-pass-123');
    await page.click('form button[type=submit]');
    // A new installation: every ward drawn, none coloured, and the page says what to do next.
    await page.waitForSelector('#ward-map path[data-class]');
    const classes = await page.$$eval('#ward-map path[data-ward-code]', (els) => els.map((el) => el.getAttribute('data-class')));
    expect(classes).to.have.length(11);
    expect(new Set(classes)).to.deep.equal(new Set(['none']));
    expect(await page.textContent('[data-testid=map-status]')).to.match(/Chưa có số liệu/);
    expect(await page.textContent('[data-testid=who]')).to.contain('quan12');
    await screenshot(page, 'first-start-map-1366');
    const token = await t.anon().post('/api/auth/token', { username: 'quan12', password: 'brand-new-pass-456' });
    expect(token.status).to.equal(200);
  });

  it('signs out and the API no longer answers for the session', async () => {
    await page.click('button:has-text("Đăng xuất")');
    await page.waitForSelector('form [name=username]');
    const status = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(status).to.equal(401);
    expect(browser.pageErrors).to.deep.equal([]);
  });
});
