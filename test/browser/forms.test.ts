/**
 * Browser (issue 15, forms and lists): the pager refuses pages past the end, "Back to list" keeps filters and page,
 * the assessment form says what will be derived, the detail shows derived vs ticked and the set's source without
 * the placeholder, archiving asks first, and downloads are named by content.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, WARDS, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { loginThroughForm, openBrowser, requireBrowserOrSkip, screenshot, startBrowserServer, type BrowserSession } from '../support/browser.ts';
import { createHousehold, ok } from './seed.ts';

describe('browser: forms and lists', function () {
  this.timeout(180_000);
  let t: TestServer;
  let admin: ApiClient;
  let browser: BrowserSession;
  let page: Page;
  let crowded: string;

  before(async function () {
    const exe = requireBrowserOrSkip(this);
    t = await startBrowserServer();
    admin = await t.admin();
    for (let i = 1; i <= 27; i++) await createHousehold(admin, { wardCode: WARDS[0]!, householdCode: `P-${String(i).padStart(3, '0')}`, headName: `Nguyễn Văn ${i}`, rounds: { 2020: 'poor' } });
    crowded = (
      await ok(
        admin.post('/api/households', {
          wardCode: WARDS[0],
          householdCode: 'P-900',
          headName: 'Lý Thị Mai',
          area: 'urban',
          members: [
            { name: 'Lý Thị Mai', birthYear: 1970, sex: 'female', hasHealthInsurance: true },
            { name: 'Lý Văn Nam', birthYear: 2005, sex: 'male', hasHealthInsurance: false },
            { name: 'Lý Văn Bắc', birthYear: 2008, sex: 'male', hasHealthInsurance: true },
          ],
        }),
        'crowded household',
      )
    ).id;
    // Same name as a member elsewhere: the list puts the head-of-household match first.
    const other = await ok<{ id: string }>(
      admin.post('/api/households', { wardCode: WARDS[1], householdCode: 'A-001', headName: 'Trần Văn Hùng', area: 'urban', members: [{ name: 'Lý Thị Mai', birthYear: 1990, sex: 'female', hasHealthInsurance: true }] }),
      'member match',
    );
    await ok(admin.put(`/api/households/${other.id}/assessments/2020`, { income: { amount: 80_000_000, per: 'year' }, deprivations: [] }), 'assess A-001');
    browser = await openBrowser(exe);
    page = browser.page;
    await loginThroughForm(page, t.baseUrl, 'admin', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the pager numbers its pages and refuses a page past the end', async () => {
    await page.goto(`${t.baseUrl}/#/households?ward=${WARDS[0]}&page=9`);
    await page.waitForFunction(() => /page=2/.test(location.hash));
    await page.waitForSelector('.pager [aria-current=page]');
    expect(await page.textContent('.pager [aria-current=page]')).to.equal('2');
    expect(await page.$$eval('.pager a', (as) => as.map((a) => a.textContent))).to.include.members(['1', '2']);
  });

  it('"Back to list" returns to the same filters and page', async () => {
    await page.goto(`${t.baseUrl}/#/households?ward=${WARDS[0]}&q=nguyen&page=2`);
    await page.waitForSelector('tr[data-household-id] a');
    await page.click('tr[data-household-id] a');
    await page.waitForSelector('[data-testid=back-to-list]');
    await page.click('[data-testid=back-to-list]');
    await page.waitForSelector('.pager [aria-current=page]');
    const q = new URLSearchParams(page.url().split('?')[1]);
    expect([q.get('ward'), q.get('q'), q.get('page')]).to.deep.equal([WARDS[0], 'nguyen', '2']);
  });

  it('the assessment form says which deprivations will be derived; the detail shows derived vs ticked and the source', async () => {
    await page.goto(`${t.baseUrl}/#/households/${crowded}/assessments/2020`);
    await page.waitForSelector('[data-testid=derived-preview]');
    expect(await page.textContent('[data-testid=derived-preview]')).to.match(/Bảo hiểm y tế.*1 thành viên/);
    await page.fill('[name="facts.floorArea"]', '20,5');
    expect(await page.textContent('[data-testid=derived-preview]')).to.contain('20,5 m² cho 3 người');
    await page.fill('[name="income.amount"]', '5.000.000');
    await page.check('input[name=deprivations][value=water]');
    await page.click('[data-testid=save-assessment]');
    await page.waitForSelector('[data-testid=household-title]');
    const flags = await page.$$eval('[data-round="2020"] [data-deprivation]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-deprivation'), e.getAttribute('data-derived')])));
    expect(flags).to.deep.include({ water: 'false', housing_area: 'true', health_insurance: 'true' });
    const text = await page.textContent('[data-round="2020"]');
    expect(text).not.to.contain('cần đối chiếu');
    expect(await page.textContent('[data-round="2020"] [data-standard=city] [data-testid=result-source]')).to.contain('tạm thời');
    await screenshot(page, 'household-detail-derived-1366', { fullPage: true });
  });

  it('archiving asks for confirmation with the reason and date; cancelling changes nothing', async () => {
    await page.click('.danger-zone summary');
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await page.click('[data-testid=archive]');
    expect(asked).to.match(/P-900.*lý do/);
    expect((await admin.get(`/api/households/${crowded}`)).body.status).to.equal('active');
  });

  it('search says why a row matched and puts head-of-household matches first', async () => {
    await page.goto(`${t.baseUrl}/#/households?q=ly%20van%20nam`);
    await page.waitForSelector('tr[data-household-id] [data-match=member]');
    expect(await page.textContent('tr[data-household-id] [data-match=member]')).to.contain('thành viên: Lý Văn Nam');
    await page.goto(`${t.baseUrl}/#/households?q=ly%20thi%20mai`);
    await page.waitForFunction(() => document.querySelectorAll('tr[data-household-id]').length === 2);
    const heads = await page.$$eval('tr[data-household-id] td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
    expect(heads[0]).to.equal('Lý Thị Mai');
    expect(heads[1]).to.contain('thành viên: Lý Thị Mai');
  });

  it('an empty search says when archived households were filtered out', async () => {
    const { body, headers } = await admin.get(`/api/households/${crowded}`);
    await ok(admin.delete(`/api/households/${crowded}`, { reason: 'moved' }, { 'if-match': headers.get('etag')! }), 'archive');
    expect(body.status).to.equal('active');
    await page.goto(`${t.baseUrl}/#/households?q=ly%20thi%20mai&ward=${WARDS[0]}`);
    await page.waitForSelector('[data-testid=households-empty]');
    expect(await page.textContent('[data-testid=households-empty]')).to.contain('1 hộ đã lưu trữ');
  });

  it('the household form shows every problem at once, in words for people, with required fields marked', async () => {
    await page.goto(`${t.baseUrl}/#/households/new`);
    await page.waitForSelector('[data-testid=save-household]');
    await page.click('text=+ Thêm nhân khẩu');
    await page.fill('[name=headIdNumber]', '123');
    await page.click('[data-testid=save-household]');
    const invalid = await page.$$eval('.field.invalid', (els) => els.map((e) => e.getAttribute('data-field')));
    expect(invalid).to.include.members(['wardCode', 'householdCode', 'headName', 'headIdNumber', 'members.0.name', 'members.0.birthYear', 'members.0.sex', 'members.0.hasHealthInsurance']);
    expect(await page.textContent('[data-field="members.0.birthYear"] .field-error')).to.equal('Nhập năm sinh, ví dụ 1975.');
    expect(await page.textContent('[data-field=headName] label')).to.match(/\*$/);
  });

  it('downloads go through the busy-state button and are named by content', async () => {
    await page.goto(`${t.baseUrl}/#/reports?round=2020`);
    await page.waitForSelector('[data-testid=download-poor]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-poor]')]);
    expect(download.suggestedFilename()).to.equal('ho-ngheo-2020.xlsx');
    expect(await page.$('[data-testid=baseline-note]')).to.equal(null);
    await page.goto(`${t.baseUrl}/#/reports?round=2015`);
    await page.waitForSelector('[data-testid=baseline-note]');
    expect(await page.textContent('[data-testid=baseline-note]')).to.contain('năm gốc');
    expect(browser.pageErrors).to.deep.equal([]);
  });
});
