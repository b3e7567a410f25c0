/**
 * Browser: the administration pages (issue 15) as an admin at 1366×768 and 390×844 — users, ward totals, criteria
 * sets, audit log, API page — each checked with axe-core (no serious/critical violation), screenshotted, and used
 * for real (create a user with every error shown at once, edit a total in place, upload the totals sheet, create a
 * criteria version, filter the audit log). A ward officer sees none of it.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { ADMIN_PASSWORD, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { expectAccessible, horizontalOverflow, loginThroughForm, openBrowser, requireBrowserOrSkip, screenshot, startBrowserServer, type BrowserSession } from '../support/browser.ts';
import { createHousehold, setTotals } from './seed.ts';

const ADMIN_NAV = ['Người dùng', 'Tổng số hộ', 'Bộ tiêu chí', 'Nhật ký'];

async function totalsSheet(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Tổng số hộ');
  ws.addRows([['Mã phường', 'Tổng số hộ'], ['26764', 11111], ['26767', 22222]]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('browser: administration pages', function () {
  this.timeout(180_000);
  let t: TestServer;
  let admin: ApiClient;
  let browser: BrowserSession;
  let page: Page;
  let exe: string;

  const open = async (hash: string, ready: string) => {
    await page.goto(`${t.baseUrl}/#${hash}`);
    await page.waitForSelector(ready);
  };

  before(async function () {
    exe = requireBrowserOrSkip(this);
    t = await startBrowserServer();
    admin = await t.admin();
    await setTotals(admin, ['26764', '26767'], [2019, 2020], 1000);
    await createHousehold(admin, { wardCode: '26764', householdCode: 'A1', headName: 'Lê Văn Tám', rounds: { 2020: 'poor' } });
    await t.createUser('ward-one', 'ward', '26764');
    await t.createUser('ward-two', 'ward', '26767');
    browser = await openBrowser(exe);
    page = browser.page;
    await loginThroughForm(page, t.baseUrl, 'admin', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it("an admin's top navigation reaches the four administration pages", async () => {
    const links = await page.$$eval('header nav a', (as) => as.map((a) => a.textContent));
    for (const name of ADMIN_NAV) expect(links).to.include(name);
  });

  it('users: every error in one pass, create, disable, reset; last sign-in shown', async () => {
    await open('/admin/users', '[data-testid=users-list] table');
    expect(await page.title()).to.equal('Người dùng · Sổ hộ nghèo');
    await expectAccessible(page, 'users');
    await page.fill('#new-username', 'X');
    await page.fill('#new-password', 'short');
    await page.selectOption('#new-role', 'ward');
    await page.click('[data-testid=user-create] button[type=submit]');
    const errors = await page.$$eval('[data-testid=user-create] .field.invalid', (els) => els.map((e) => e.getAttribute('data-field')));
    expect(errors).to.deep.equal(['username', 'password', 'wardCode']);
    await expectAccessible(page, 'users form with errors');
    await screenshot(page, 'admin-users-errors-1366');

    await page.fill('#new-username', 'can-bo-moi');
    await page.fill('#new-password', 'mot-mat-khau-tam');
    await page.selectOption('#new-ward', '26767');
    await page.click('[data-testid=user-create] button[type=submit]');
    await page.waitForSelector('tr[data-username="can-bo-moi"]');
    const created = (await admin.get('/api/users')).body.data.find((u: any) => u.username === 'can-bo-moi');
    expect(created).to.deep.include({ role: 'ward', wardCode: '26767', mustChangePassword: true, disabled: false });
    const adminRow = await page.textContent('tr[data-username="admin"]');
    expect(adminRow).not.to.contain('Chưa đăng nhập');

    page.once('dialog', (d) => void d.accept());
    await page.click('tr[data-username="can-bo-moi"] button.danger');
    await page.waitForSelector('tr[data-username="can-bo-moi"] .badge');
    expect((await admin.get('/api/users')).body.data.find((u: any) => u.username === 'can-bo-moi').disabled).to.equal(true);

    await page.click('tr[data-username="ward-one"] >> text=Đặt lại mật khẩu');
    await page.fill('tr[data-username="ward-one"] input[type=password]', 'mat-khau-moi-123');
    await page.click('tr[data-username="ward-one"] .inline-form button[type=submit]');
    await page.waitForSelector('[data-testid=users-status]:has-text("ward-one")');
    expect((await admin.get('/api/users')).body.data.find((u: any) => u.username === 'ward-one').mustChangePassword).to.equal(true);
    await screenshot(page, 'admin-users-1366', { fullPage: true });
  });

  it('ward totals: edit in place (PUT, audited), refuse bad input, upload the two-column sheet', async () => {
    await open('/admin/totals', '[data-testid=totals-grid] table');
    await expectAccessible(page, 'totals');
    const cell = page.locator('input[data-cell="26764/2020"]');
    expect(await cell.inputValue()).to.equal('1.000');
    await cell.fill('1.250');
    await cell.press('Tab');
    await page.waitForSelector('input[data-cell="26764/2020"] + .cell-note.success');
    expect((await admin.get('/api/units/totals?round=2020')).body.data.find((w: any) => w.wardCode === '26764').households).to.equal(1250);
    const bad = page.locator('input[data-cell="26767/2020"]');
    await bad.fill('nhiều');
    await bad.press('Tab');
    await page.waitForSelector('input[data-cell="26767/2020"][aria-invalid=true]');

    await page.selectOption('#totals-round', '2019');
    await page.setInputFiles('#totals-file', { name: 'tong-so-ho.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await totalsSheet() });
    await page.click('[data-testid=totals-upload] button[type=submit]');
    await page.waitForSelector('[data-testid=totals-upload-result]:not(:empty)');
    expect(await page.textContent('[data-testid=totals-upload-result]')).to.contain('2 cập nhật');
    await page.waitForFunction(() => (document.querySelector('input[data-cell="26767/2019"]') as HTMLInputElement)?.value === '22.222');
    await expectAccessible(page, 'totals after upload');
    await screenshot(page, 'admin-totals-1366', { fullPage: true });
  });

  it('criteria sets: lines, indicators, rule, source, usage; a new version from the form', async () => {
    await open('/admin/criteria', '[data-testid=criteria-usage]');
    await expectAccessible(page, 'criteria');
    expect(await page.textContent('[data-testid=legal-source]')).to.match(/\S/);
    const setId = new URL(page.url().replace('#', '')).searchParams.get('set') ?? (await admin.get('/api/criteria')).body.data[0].id;
    const before = (await admin.get(`/api/criteria/${setId}`)).body;
    await page.fill('#nv-note', 'Kiểm tra giao diện');
    const firstLine = page.locator('[data-testid=new-version] input[name$=".nearPoor"]').first();
    await firstLine.fill('0');
    await page.click('[data-testid=new-version] button[type=submit]');
    await page.waitForSelector('[data-testid=new-version] .field.invalid');
    await expectAccessible(page, 'criteria form with errors');
    await firstLine.fill(String(before.lines.urban?.nearPoor ?? before.lines.all?.nearPoor));
    await page.click('[data-testid=new-version] button[type=submit]');
    await page.waitForFunction((v) => location.hash.includes(`version=${v}`), before.version + 1, { timeout: 10_000 }).catch(async (e) => {
      throw new Error(`${e}: ${await page.textContent('[data-testid=new-version]')}`);
    });
    const after = (await admin.get(`/api/criteria/${setId}`)).body;
    expect(after.version).to.equal(before.version + 1);
    expect(after.note).to.equal('Kiểm tra giao diện');
    await screenshot(page, 'admin-criteria-1366', { fullPage: true });
  });

  it('audit log: filter by entity and ward, open before/after', async () => {
    await open('/admin/audit?entity=ward_total&ward=26764', '[data-testid=audit-results] table');
    await expectAccessible(page, 'audit');
    const wards = await page.$$eval('[data-audit-id] td[data-label="Phường"]', (tds) => [...new Set(tds.map((td) => td.textContent))]);
    expect(wards).to.have.length(1);
    const edited = page.locator('[data-audit-id]', { hasText: '26764/2020' }).first();
    await edited.locator('details summary').click();
    expect(await edited.locator('details[open] .before-after').textContent()).to.match(/"households": 1000[\s\S]*"households": 1250/);
    await expectAccessible(page, 'audit with a change open');
    await screenshot(page, 'admin-audit-1366');
  });

  it('API page lists the OpenAPI operations', async () => {
    await open('/api-docs', 'table');
    expect(await page.textContent('main')).to.contain('/api/households/{id}/assessments/{round}');
    await expectAccessible(page, 'api docs');
  });

  it('phone 390×844: every admin page fits without sideways scrolling, lists as cards, accessible', async () => {
    const phone = await openBrowser(exe, { width: 390, height: 844 });
    try {
      await loginThroughForm(phone.page, t.baseUrl, 'admin', ADMIN_PASSWORD);
      for (const [hash, ready, name] of [
        ['/admin/users', '[data-testid=users-list] table', 'admin-users-390'],
        ['/admin/totals', '[data-testid=totals-grid] table', 'admin-totals-390'],
        ['/admin/criteria', '[data-testid=criteria-usage]', 'admin-criteria-390'],
        ['/admin/audit', '[data-testid=audit-results] table', 'admin-audit-390'],
      ] as const) {
        await phone.page.goto(`${t.baseUrl}/#${hash}`);
        await phone.page.waitForSelector(ready);
        expect(await horizontalOverflow(phone.page), `${hash} overflows`).to.be.at.most(0);
        await expectAccessible(phone.page, `${hash} on a phone`);
        await screenshot(phone.page, name);
      }
      expect(await phone.page.$eval('[data-audit-id] td', (td) => getComputedStyle(td).display)).to.equal('block');
      expect(phone.pageErrors).to.deep.equal([]);
    } finally {
      await phone.close();
    }
  });

  it('a ward officer sees no administration entry, and the users page is refused', async () => {
    const ward = await openBrowser(exe);
    try {
      await loginThroughForm(ward.page, t.baseUrl, 'ward-two', TEST_PASSWORD);
      const links = await ward.page.$$eval('header nav a', (as) => as.map((a) => a.textContent));
      for (const name of ADMIN_NAV) expect(links).not.to.include(name);
      await ward.page.goto(`${t.baseUrl}/#/admin/users`);
      await ward.page.waitForSelector('[role=alert]:not(:empty)');
    } finally {
      await ward.close();
    }
  });

  it('no page error was logged', () => {
    expect(browser.pageErrors).to.deep.equal([]);
  });
});
