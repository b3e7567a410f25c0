/**
 * Browser: sign-in, the ward choropleth against the API's rates, recolouring on round/mode changes, the ward panel,
 * and the language toggle. Real server, fresh database, data seeded through the API.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { breaksFor, classify, valueOf, type MapMode, type Measure } from '../../client/map/classes.ts';
import type { RatesRow } from '../../client/api/types.ts';
import { ADMIN_PASSWORD, WARDS, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { loginThroughForm, openBrowser, requireBrowserOrSkip, screenshot, startBrowserServer, type BrowserSession } from '../support/browser.ts';
import { seedDistrict } from './seed.ts';

interface PathInfo {
  code: string;
  cls: string | null;
  fill: string | null;
  drawnFill: string | null;
}

async function wardPaths(page: Page): Promise<PathInfo[]> {
  return page.$$eval('#ward-map path[data-ward-code]', (els) =>
    els.map((el) => ({ code: el.getAttribute('data-ward-code')!, cls: el.getAttribute('data-class'), fill: el.getAttribute('data-fill'), drawnFill: el.getAttribute('fill') })),
  );
}

async function waitForMap(page: Page, round: number, measure: Measure, mode: MapMode): Promise<void> {
  await page.waitForSelector(`#ward-map[data-round="${round}"][data-measure="${measure}"][data-mode="${mode}"] path[data-class]`);
}

describe('browser: map, ward panel and language', function () {
  this.timeout(120_000);
  let t: TestServer;
  let admin: ApiClient;
  let browser: BrowserSession;
  let page: Page;

  const rates = async (round: number): Promise<RatesRow[]> => {
    const r = await admin.get(`/api/reports/rates?round=${round}&standard=city`);
    expect(r.status).to.equal(200);
    return r.body.rows as RatesRow[];
  };

  /** Every ward's path has the class (and colour) of the value the API gives for it. */
  async function expectColoursMatch(round: number, measure: Measure, mode: MapMode): Promise<Set<string>> {
    await waitForMap(page, round, measure, mode);
    const rows = await rates(round);
    const paths = await wardPaths(page);
    expect(paths.map((p) => p.code).sort()).to.deep.equal([...WARDS].sort());
    // Rates are classed by breaks computed from the figures shown (the default scale).
    const classes = breaksFor(mode, 'data', WARDS.map((code) => valueOf(rows.find((r) => r.code === code), measure, mode)));
    for (const p of paths) {
      const expected = classify(valueOf(rows.find((r) => r.code === p.code), measure, mode), mode, classes);
      expect(p.cls, `class of ${p.code} (${measure}/${mode}/${round})`).to.equal(expected.id);
      expect(p.fill).to.equal(expected.color);
      expect(p.drawnFill?.toLowerCase(), `drawn fill of ${p.code}`).to.equal(expected.color);
    }
    return new Set(paths.map((p) => p.cls!));
  }

  before(async function () {
    const exe = requireBrowserOrSkip(this);
    t = await startBrowserServer();
    admin = await t.admin();
    await seedDistrict(admin, WARDS);
    browser = await openBrowser(exe);
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows a clear error for a wrong password, then signs in to the map', async () => {
    await page.goto(`${t.baseUrl}/`);
    await page.waitForSelector('form [name=username]');
    expect(await page.getAttribute('html', 'lang')).to.equal('vi');
    await page.fill('[name=username]', 'admin');
    await page.fill('[name=password]', 'not-the-password');
    await page.click('form button[type=submit]');
    await page.waitForSelector('[data-testid=form-error]:has-text("không đúng")');
    await loginThroughForm(page, t.baseUrl, 'admin', ADMIN_PASSWORD);
    await page.waitForSelector('#ward-map path[data-class]');
    expect(await page.textContent('[data-testid=who]')).to.contain('admin');
  });

  it('draws one polygon per ward, coloured by the class of the rate the API returns', async () => {
    const classes = await expectColoursMatch(2020, 'poor', 'rate');
    expect(classes.size, 'the seeded rates span several classes').to.be.greaterThanOrEqual(3);
    expect(await page.locator('.legend li').count()).to.be.within(3, 7);
    expect(await page.textContent('[data-testid=legend-note]')).to.contain('phân vị');
    expect(await page.textContent('[data-testid=schematic-note]')).to.match(/sơ đồ/);
    await screenshot(page, 'map-1366');
  });

  it('recolours when the round, the list and the mode change', async () => {
    const before = await wardPaths(page);
    await page.selectOption('[data-testid=map-round]', '2019');
    await expectColoursMatch(2019, 'poor', 'rate');
    const after2019 = await wardPaths(page);
    expect(after2019.map((p) => p.cls)).to.not.deep.equal(before.map((p) => p.cls));
    await page.selectOption('[data-testid=map-measure]', 'combined');
    await expectColoursMatch(2019, 'combined', 'rate');
    await page.selectOption('[data-testid=map-round]', '2020');
    await page.selectOption('[data-testid=map-measure]', 'poor');
    await page.selectOption('[data-testid=map-mode]', 'change');
    const changeClasses = await expectColoursMatch(2020, 'poor', 'change');
    expect([...changeClasses].some((c) => c.startsWith('c-')) && [...changeClasses].some((c) => /^c[1-3]$/.test(c)), 'both improving and worsening wards').to.equal(true);
    expect(await page.textContent('.legend')).to.contain('điểm %');
    await screenshot(page, 'map-change-1366');
    await page.selectOption('[data-testid=map-mode]', 'rate');
    await waitForMap(page, 2020, 'poor', 'rate');
  });

  it('opens the ward panel with the API numbers when a ward is clicked', async () => {
    const rows = await rates(2020);
    const row = rows.find((r) => r.poor.end > 2)!;
    await page.locator(`#ward-map path[data-ward-code="${row.code}"]`).click({ force: true });
    await page.waitForSelector(`[data-testid=ward-panel][data-ward="${row.code}"]`);
    expect(await page.textContent('[data-testid=panel-title]')).to.equal(row.name);
    const num = async (id: string) => Number((await page.textContent(`[data-testid=${id}]`))!.replace(/[^\d,.-]/g, '').replace(/\./g, '').replace(',', '.'));
    expect(await num('panel-total')).to.equal(row.totalHouseholds);
    for (const list of ['poor', 'nearPoor'] as const) {
      for (const key of ['start', 'escaped', 'fellBack', 'new', 'end'] as const) expect(await num(`panel-${list}-${key}`), `${list}.${key}`).to.equal(row[list][key]);
      expect(await num(`panel-${list}-rate`), `${list}.rate`).to.equal(row[list].rate);
    }
    await page.waitForSelector('[data-testid=ward-panel] canvas');
    await page.waitForTimeout(300); // let Chart.js paint before the screenshot (not an assertion on time)
    expect(await page.getAttribute('[data-testid=panel-households]', 'href')).to.contain(`ward=${row.code}`);
    await screenshot(page, 'ward-panel-1366');
  });

  it('switches the texts to English and remembers the choice', async () => {
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.textContent('nav')).to.contain('Households');
    await page.waitForSelector('.legend:has-text("No data")');
    await page.reload();
    await page.waitForSelector('#ward-map path[data-class]');
    expect(await page.getAttribute('html', 'lang')).to.equal('en');
    expect(await page.textContent('[data-testid=lang-toggle]')).to.equal('Tiếng Việt');
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.documentElement.lang === 'vi');
    expect(await page.textContent('nav')).to.contain('Hộ gia đình');
  });

  it('works at a 768-px tablet width', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${t.baseUrl}/#/?round=2020&ward=${WARDS[2]}`);
    await page.waitForSelector(`[data-testid=ward-panel][data-ward="${WARDS[2]}"]`);
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, map: document.querySelector('#ward-map')!.getBoundingClientRect().width }));
    expect(widths.doc, 'no horizontal scrolling').to.be.at.most(768);
    expect(widths.map).to.be.greaterThan(600);
    await screenshot(page, 'map-768');
    expect(browser.pageErrors).to.deep.equal([]);
  });
});
