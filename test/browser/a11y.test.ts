/**
 * Browser: axe-core (from npm) on every page and state — login, map, ward panel, household list, detail, forms with
 * errors, import with errors, reports, password — at 1366×768 and 390×844, in Vietnamese; no serious or critical
 * violation, a <title> per view, and no sideways scrolling on a phone. Screenshots of each state at both sizes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, TEST_PASSWORD, WARDS, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { expectAccessible, horizontalOverflow, loginThroughForm, openBrowser, requireBrowserOrSkip, screenshot, startBrowserServer, type BrowserSession } from '../support/browser.ts';
import { createHousehold, seedDistrict, surveyWorkbook } from './seed.ts';

interface Step {
  name: string;
  hash: string;
  ready: string;
  /** Puts the page in the state to check (submit an empty form, upload a bad file…). */
  act?: (page: Page) => Promise<void>;
}

describe('browser: accessibility of every page and state (axe-core)', function () {
  this.timeout(300_000);
  let t: TestServer;
  let admin: ApiClient;
  let exe: string;
  let household: string;
  let dir: string;
  let workbook: string;

  before(async function () {
    exe = requireBrowserOrSkip(this);
    t = await startBrowserServer();
    admin = await t.admin();
    await seedDistrict(admin, WARDS.slice(0, 6));
    household = await createHousehold(admin, { wardCode: WARDS[0]!, householdCode: 'AX-001', headName: 'Trần Thị Ánh', rounds: { 2020: 'poor' } });
    await t.createUser('officer', 'ward', WARDS[0]!);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-a11y-'));
    workbook = path.join(dir, 'phieu-loi.xlsx');
    const sets = (await admin.get('/api/criteria')).body.data as { indicators: { code: string }[] }[];
    await surveyWorkbook(workbook, WARDS[1]!, [...new Set(sets.flatMap((s) => s.indicators.map((i) => i.code)))]);
  });
  after(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const steps = (): Step[] => [
    { name: 'map', hash: '/', ready: '#ward-map path[data-class]' },
    { name: 'ward-panel', hash: `/?round=2020&ward=${WARDS[2]}`, ready: `[data-testid=ward-panel][data-ward="${WARDS[2]}"]` },
    { name: 'households', hash: '/households?round=2020', ready: '[data-testid=households-total]' },
    { name: 'household-detail', hash: `/households/${household}`, ready: '[data-testid=household-title]' },
    {
      name: 'household-form-errors',
      hash: '/households/new',
      ready: '[data-testid=save-household]',
      act: async (page) => {
        await page.click('[data-testid=save-household]');
        await page.waitForSelector('.field.invalid');
      },
    },
    { name: 'assessment-form', hash: `/households/${household}/assessments/2020`, ready: '[data-testid=save-assessment]' },
    {
      name: 'import-errors',
      hash: '/import',
      ready: '[data-testid=import-file]',
      act: async (page) => {
        await page.setInputFiles('[data-testid=import-file]', workbook);
        await page.click('[data-testid=import-upload]');
        await page.waitForSelector('[data-testid=import-errors] tbody tr', { timeout: 90_000 });
      },
    },
    { name: 'reports', hash: '/reports?round=2020', ready: '[data-testid=report] table' },
    { name: 'password', hash: '/password', ready: 'form [type=submit]' },
  ];

  async function tour(viewport: { width: number; height: number }, suffix: string): Promise<void> {
    const browser: BrowserSession = await openBrowser(exe, viewport);
    try {
      const page = browser.page;
      await page.goto(`${t.baseUrl}/#/login`);
      await page.waitForSelector('form [name=username]');
      await expectAccessible(page, `login ${suffix}`);
      await screenshot(page, `login-${suffix}`);
      await loginThroughForm(page, t.baseUrl, 'admin', ADMIN_PASSWORD);
      const failures: string[] = [];
      for (const step of steps()) {
        await page.goto(`${t.baseUrl}/#${step.hash}`);
        await page.waitForSelector(step.ready);
        if (step.act) await step.act(page);
        expect(await page.title(), `${step.name} title`).to.match(/ · Sổ hộ nghèo$/);
        await expectAccessible(page, `${step.name} ${suffix}`).catch((e: Error) => failures.push(e.message));
        if (viewport.width < 500) {
          const overflow = await horizontalOverflow(page);
          if (overflow > 0) failures.push(`${step.name} ${suffix}: ${overflow}px of sideways scrolling`);
        }
        await screenshot(page, `${step.name}-${suffix}`);
      }
      expect(failures, failures.join('\n\n')).to.deep.equal([]);
      expect(browser.pageErrors).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  }

  it('at 1366×768', async () => tour({ width: 1366, height: 768 }, '1366'));
  it('at 390×844 (phone)', async () => tour({ width: 390, height: 844 }, '390'));

  it('on a phone, tapping a ward brings its panel into view', async () => {
    const browser = await openBrowser(exe, { width: 390, height: 844 });
    try {
      const page = browser.page;
      await loginThroughForm(page, t.baseUrl, 'admin', ADMIN_PASSWORD);
      await page.goto(`${t.baseUrl}/#/`);
      await page.waitForSelector('#ward-map path[data-class]');
      await page.locator(`#ward-map path[data-ward-code="${WARDS[3]}"]`).click({ force: true });
      await page.waitForSelector(`[data-testid=ward-panel][data-ward="${WARDS[3]}"]`);
      await page.waitForFunction(() => {
        const r = document.querySelector('[data-testid=ward-panel]')!.getBoundingClientRect();
        return r.top >= -1 && r.top < window.innerHeight / 2;
      });
      // Ward names shown on the map never overlap one another.
      const overlaps = await page.$$eval('.ward-label-text[data-shown=true]', (els) => {
        const rs = els.map((e) => e.getBoundingClientRect());
        let n = 0;
        rs.forEach((a, i) => rs.slice(i + 1).forEach((b) => (a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top ? n++ : 0)));
        return { shown: rs.length, n };
      });
      expect(overlaps.shown).to.be.greaterThan(0);
      expect(overlaps.n).to.equal(0);
    } finally {
      await browser.close();
    }
  });

  it("a ward officer's map: own ward selected, the others outside the scope and not selectable", async () => {
    const browser = await openBrowser(exe, { width: 390, height: 844 });
    try {
      const page = browser.page;
      await loginThroughForm(page, t.baseUrl, 'officer', TEST_PASSWORD);
      await page.goto(`${t.baseUrl}/#/`);
      await page.waitForSelector(`[data-testid=ward-panel][data-ward="${WARDS[0]}"]`);
      const outside = await page.$$eval('#ward-map path[data-class=outside]', (els) => els.map((e) => e.getAttribute('data-ward-code')));
      expect(outside.sort()).to.deep.equal(WARDS.slice(1).sort());
      expect(await page.getAttribute(`#ward-map path[data-ward-code="${WARDS[1]}"]`, 'aria-label')).to.contain('ngoài phạm vi');
      await page.focus(`#ward-map path[data-ward-code="${WARDS[1]}"]`);
      await page.keyboard.press('Enter');
      await page.waitForTimeout(200); // nothing should happen; give a wrong handler the time to act
      expect(await page.getAttribute('[data-testid=ward-panel]', 'data-ward')).to.equal(WARDS[0]);
      expect(await page.textContent('.legend')).to.contain('ngoài phạm vi');
      await expectAccessible(page, 'ward officer map');
      await screenshot(page, 'map-ward-officer-390', { fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
