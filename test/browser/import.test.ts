/**
 * Browser: the import page with a workbook that has one bad row — the dry run shows the error (sheet, row, column,
 * message), commit needs the skip-invalid confirmation, and the valid rows land in the registry.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, WARDS, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { loginThroughForm, openBrowser, requireBrowserOrSkip, screenshot, startBrowserServer, type BrowserSession } from '../support/browser.ts';
import { surveyWorkbook } from './seed.ts';

const WARD = WARDS[3]!;

describe('browser: Excel import with a bad row', function () {
  this.timeout(180_000);
  let t: TestServer;
  let admin: ApiClient;
  let browser: BrowserSession;
  let page: Page;
  let dir: string;

  before(async function () {
    const exe = requireBrowserOrSkip(this);
    t = await startBrowserServer();
    admin = await t.admin();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-import-'));
    browser = await openBrowser(exe);
    page = browser.page;
    await loginThroughForm(page, t.baseUrl, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('offers the template for download', async () => {
    await page.goto(`${t.baseUrl}/#/import`);
    const href = await page.getAttribute('[data-testid=import-template]', 'href');
    const res = await admin.get(href!);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('spreadsheetml');
  });

  it('shows the bad row in the dry run, then commits the valid rows with skip-invalid', async () => {
    const file = path.join(dir, 'phieu-2020.xlsx');
    const sets = (await admin.get('/api/criteria')).body.data as { indicators: { code: string }[] }[];
    await surveyWorkbook(file, WARD, [...new Set(sets.flatMap((set) => set.indicators.map((i) => i.code)))]);
    await page.goto(`${t.baseUrl}/#/import`);
    await page.setInputFiles('[data-testid=import-file]', file);
    await page.click('[data-testid=import-upload]');
    await page.waitForSelector('[data-testid=import-state]:is([data-status=validated],[data-status=failed])', { timeout: 90_000 });
    expect(await page.getAttribute('[data-testid=import-state]', 'data-status'), (await page.textContent('[data-testid=import-status]')) ?? '').to.equal('validated');

    expect(await page.textContent('[data-testid=import-valid]')).to.equal('3');
    expect(await page.textContent('[data-testid=import-invalid]')).to.equal('1');
    const errors = await page.$$eval('[data-testid=import-errors] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    // Every error names the bad row (the server may add a second message for the same cell).
    expect(errors.length, JSON.stringify(errors)).to.be.at.least(1);
    for (const [sheet, row, column] of errors) {
      expect(sheet).to.equal('Hộ');
      expect(row).to.equal('6');
      expect(column).to.match(/Thu nhập/);
    }
    expect(errors[0]![3]).to.equal('mười triệu');
    expect(errors[0]![4]).to.match(/chữ số/);
    expect(await page.getAttribute('[data-testid=import-annotated]', 'href')).to.match(/annotated\.xlsx$/);
    expect(await page.isDisabled('[data-testid=import-commit]'), 'commit waits for the confirmation').to.equal(true);
    await screenshot(page, 'import-dry-run-1366', { fullPage: true });

    // Nothing is in the registry before the commit.
    expect((await admin.get(`/api/households?ward=${WARD}`)).body.meta.total).to.equal(0);
    await page.check('[data-testid=skip-invalid]');
    await page.click('[data-testid=import-commit]');
    await page.waitForSelector('[data-testid=import-committed]', { timeout: 60_000 });
    await screenshot(page, 'import-committed-1366', { fullPage: true });

    const list = await admin.get(`/api/households?ward=${WARD}&pageSize=50`);
    expect(list.body.data.map((h: { householdCode: string }) => h.householdCode).sort()).to.deep.equal(['IMP-001', 'IMP-002', 'IMP-003']);
    await page.waitForSelector('[data-testid=import-history] tbody tr');
    expect(browser.pageErrors).to.deep.equal([]);
  });

  it('discards an uncommitted import: its files are deleted, the registry is unchanged (issue 13 item 3)', async () => {
    const file = path.join(dir, 'phieu-huy.xlsx');
    const sets = (await admin.get('/api/criteria')).body.data as { indicators: { code: string }[] }[];
    await surveyWorkbook(file, WARD, [...new Set(sets.flatMap((set) => set.indicators.map((i) => i.code)))]);
    await page.goto(`${t.baseUrl}/#/import`);
    await page.setInputFiles('[data-testid=import-file]', file);
    await page.click('[data-testid=import-upload]');
    await page.waitForSelector('[data-testid=import-state][data-status=validated]', { timeout: 90_000 });
    const id = new URL(page.url().replace('/#/', '/')).searchParams.get('id')!;
    expect(await page.isVisible('[data-testid=import-annotated]')).to.equal(true);
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-testid=import-discard]');
    await page.waitForSelector('[data-testid=import-state][data-status=discarded]');
    expect(await page.isVisible('[data-testid=import-annotated]')).to.equal(false);
    expect(await page.isVisible('[data-testid=import-commit]')).to.equal(false);
    const record = (await admin.get(`/api/imports/${id}`)).body;
    expect(record.status).to.equal('discarded');
    expect(record.purgedAt).to.be.a('string');
    expect((await admin.get(`/api/imports/${id}/annotated.xlsx`)).status).to.equal(410);
    expect(browser.pageErrors).to.deep.equal([]);
  });
});
