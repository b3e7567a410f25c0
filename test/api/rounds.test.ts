/**
 * The official record (issue 12), hand-computed on both engines: ward lists submitted, approved and frozen; approved
 * rounds byte-identical after household edits; every ROUND_APPROVED refusal; unreviewed households blocking the
 * submit and carried in the report; a moved household removed, never escaped; the round-2018 criteria switch.
 */
import { expect } from 'chai';
import { and, eq, sql } from 'drizzle-orm';
import { assessments, auditEvents } from '../../server/db/schema.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { createHousehold, income, putAssessment } from '../support/households.ts';
import { surveyRows, uploadWorkbook, waitForImport, workbookBuffer } from '../support/workbooks.ts';

const W = '26764';
const OTHER = '26767';
const POOR = income(15_000_000, 'year'); // city poor in every round (≤ 21 M and ≤ 28 M)
const OFF = income(60_000_000, 'year'); // on no list

async function approve(client: ApiClient, round: number, ward = W) {
  const s = await client.post(`/api/rounds/${round}/wards/${ward}/submit`);
  expect(s.status, JSON.stringify(s.body)).to.equal(200);
  const a = await client.post(`/api/rounds/${round}/wards/${ward}/approve`, { decisionNumber: `${round - 2000}/QĐ-UBND`, decisionDate: `${round}-12-22`, signer: 'Chủ tịch UBND quận' });
  expect(a.status, JSON.stringify(a.body)).to.equal(200);
  return a.body;
}

const rowOf = (report: any, ward = W) => report.rows.find((r: any) => r.code === ward);

describe('rounds: the official record per ward and round', function () {
  this.timeout(180_000);
  let t: TestServer;
  let district: ApiClient;
  let ward: ApiClient;
  let otherWard: ApiClient;

  before(async () => {
    t = await startTestServer();
    district = await t.as('district');
    ward = await t.as('ward', W);
    otherWard = await t.as('ward', OTHER);
  });
  after(async () => t?.close());

  it('lists every ward of the district as open with no unreviewed household; a ward user sees its own ward only', async () => {
    const res = await district.get('/api/rounds/2016/wards');
    expect(res.status).to.equal(200);
    expect(res.body.data).to.have.length(11);
    expect(res.body.data[0]).to.deep.equal({ wardCode: W, name: 'Phường Thạnh Xuân', status: 'open', submittedBy: null, submittedAt: null, decision: null, reopenedReason: null, unreviewed: 0 });
    const mine = await ward.get('/api/rounds/2016/wards');
    expect(mine.body.data.map((w: any) => w.wardCode)).to.deep.equal([W]);
    expect((await district.get('/api/rounds/2030/wards')).status).to.equal(400);
  });

  it('edits after approval leave the approved 2016 and 2017 assessments byte-identical; only the open round re-classifies', async () => {
    // Two adults, both insured; floor 40 m². 2016, 2017 and 2018 assessed near the line with two deprivations.
    const h = await createHousehold(district, { wardCode: OTHER, householdCode: 'FROZEN-1' });
    const body = income(30_000_000, 'year', ['employment', 'water'], { facts: { floorArea: 40 } });
    for (const round of [2016, 2017, 2018]) expect((await putAssessment(district, h.id, round, { ...body, surveyedAt: `${round}-10-01` })).status).to.equal(200);
    await approve(district, 2016, OTHER);
    await approve(district, 2017, OTHER);
    const frozen = await t.registry.deps.db.select().from(assessments).where(eq(assessments.householdId, h.id));
    // A baby born in 2018 and a third adult: 40 m² for 4 people is 10 m² each (fine), but the adult has no health
    // insurance → a derived deprivation; 3 deprivations between the lines → poor, in the open round 2018 only.
    const current = (await district.get(`/api/households/${h.id}`)).body;
    const members = [
      ...current.members,
      { name: 'Bé Mới', birthYear: 2018, sex: 'female', relation: 'con', idNumber: null, hasHealthInsurance: true, inSchool: null },
      { name: 'Em Trai', birthYear: 1990, sex: 'male', relation: 'em', idNumber: null, hasHealthInsurance: false, inSchool: false },
    ];
    const patched = await district.patch(`/api/households/${h.id}`, { members }, { 'if-match': `"${current.version}"` });
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    const after = await t.registry.deps.db.select().from(assessments).where(eq(assessments.householdId, h.id));
    for (const round of [2016, 2017]) {
      const b = frozen.find((a) => a.round === round)!;
      const a = after.find((x) => x.round === round)!;
      expect(JSON.stringify(a), `round ${round}`).to.equal(JSON.stringify(b));
      expect((a.members as unknown[]).length).to.equal(2);
    }
    const r2018 = after.find((a) => a.round === 2018)!;
    expect(r2018.cityCategory).to.equal('poor');
    expect((r2018.members as unknown[]).length).to.equal(4);
    expect(r2018.deprivations).to.include('health_insurance');
    // The history shows each round's members as surveyed.
    const history = (await district.get(`/api/households/${h.id}/history`)).body;
    expect(history.assessments.map((a: any) => a.members.length)).to.deep.equal([2, 2, 4]);
    // Naming an approved round for the edit is refused.
    const again = (await district.get(`/api/households/${h.id}`)).body;
    const refused = await district.patch(`/api/households/${h.id}`, { members: again.members.slice(0, 3), applyToRounds: [2017] }, { 'if-match': `"${again.version}"` });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('ROUND_APPROVED');
  });

  it('every write into an approved ward-round answers 409 ROUND_APPROVED (vi/en), and nothing changes', async () => {
    const h = await createHousehold(district, { householdCode: 'LATE-1' });
    expect((await putAssessment(district, h.id, 2015, POOR)).status).to.equal(200);
    await approve(district, 2015);
    const put = await putAssessment(district, h.id, 2015, OFF);
    expect(put.status).to.equal(409);
    expect(put.body.error.code).to.equal('ROUND_APPROVED');
    expect(put.body.error.message.vi).to.match(/đã được phê duyệt/);
    expect(put.body.error.message.en).to.match(/approved/);
    const stored = await t.registry.deps.db.select().from(assessments).where(and(eq(assessments.householdId, h.id), eq(assessments.round, 2015)));
    expect(stored[0]!.cityCategory).to.equal('poor');
    // Archive dated in the approved round: refused; dated in 2016 (open): accepted; its restore is then fine.
    const v = (await district.get(`/api/households/${h.id}`)).body.version;
    const archived2015 = await district.delete(`/api/households/${h.id}`, { reason: 'moved', date: '2015-11-30' }, { 'if-match': `"${v}"` });
    expect(archived2015.status).to.equal(409);
    expect(archived2015.body.error.code).to.equal('ROUND_APPROVED');
    const archived2016 = await district.delete(`/api/households/${h.id}`, { reason: 'moved', date: '2016-05-01' }, { 'if-match': `"${v}"` });
    expect(archived2016.status).to.equal(200);
    expect(archived2016.body).to.include({ status: 'archived', archivedRound: 2016 });
    // Once 2016 is approved (the archive is part of that list), restoring it is refused too.
    await approve(district, 2016);
    const restore = await district.post(`/api/households/${h.id}/restore`);
    expect(restore.status).to.equal(409);
    expect(restore.body.error.code).to.equal('ROUND_APPROVED');
    // Reopened (district, with a reason): writable again, and the whole cycle is audited.
    expect((await district.post(`/api/rounds/2016/wards/${W}/reopen`, {})).status).to.equal(400);
    const reopened = await district.post(`/api/rounds/2016/wards/${W}/reopen`, { reason: 'Sai sót khi nhập, hộ chưa chuyển đi' });
    expect(reopened.status).to.equal(200);
    expect(reopened.body).to.include({ status: 'open', decision: null, reopenedReason: 'Sai sót khi nhập, hộ chưa chuyển đi' });
    expect((await district.post(`/api/households/${h.id}/restore`)).status).to.equal(200);
    expect((await putAssessment(district, h.id, 2016, OFF)).status).to.equal(200); // reviewed: off the lists in 2016
    const events = await t.registry.deps.db.select().from(auditEvents).where(eq(auditEvents.entityId, `${W}/2016`));
    expect(events.map((e) => e.action)).to.deep.equal(['round_submit', 'round_approve', 'round_reopen']);
    expect(events[2]!.before).to.deep.include({ status: 'approved', decisionNumber: '16/QĐ-UBND' });
    expect(events[2]!.meta).to.deep.include({ reason: 'Sai sót khi nhập, hộ chưa chuyển đi' });
  });

  it('status rules: approve needs a submitted list (409 ROUND_STATUS), ward officers may submit but not approve or reopen', async () => {
    const EMPTY = '26785';
    const officer = await t.as('ward', EMPTY);
    const early = await district.post(`/api/rounds/2019/wards/${EMPTY}/approve`, { decisionNumber: '1/QĐ-UBND', decisionDate: '2019-12-20' });
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal('ROUND_STATUS');
    expect((await officer.post(`/api/rounds/2019/wards/${EMPTY}/submit`)).status).to.equal(200);
    expect((await officer.post(`/api/rounds/2019/wards/${EMPTY}/submit`)).body.error.code).to.equal('ROUND_STATUS');
    expect((await officer.post(`/api/rounds/2019/wards/${EMPTY}/approve`, { decisionNumber: '1/QĐ-UBND', decisionDate: '2019-12-20' })).status).to.equal(403);
    expect((await officer.post(`/api/rounds/2019/wards/${EMPTY}/reopen`, { reason: 'thử' })).status).to.equal(403);
    expect((await otherWard.post(`/api/rounds/2019/wards/${EMPTY}/submit`)).status).to.equal(404);
    const bad = await district.post(`/api/rounds/2019/wards/${EMPTY}/approve`, { decisionNumber: '', decisionDate: '2019-02-30' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: any) => d.path).sort()).to.deep.equal(['decisionDate', 'decisionNumber']);
    const ok = await district.post(`/api/rounds/2019/wards/${EMPTY}/approve`, { decisionNumber: '201/QĐ-UBND', decisionDate: '2019-12-20', signer: 'Nguyễn Văn X' });
    expect(ok.body).to.deep.include({ status: 'approved', decision: { number: '201/QĐ-UBND', date: '2019-12-20', signer: 'Nguyễn Văn X' } });
    expect(ok.body.submittedBy).to.match(new RegExp(EMPTY));
  });

  it('an unreviewed household blocks the submit (409 with the list), is carried on its list and counted; a moved one is removed, not escaped', async () => {
    // Round 2016 of W was reopened above. Two households poor in 2016: U (not re-surveyed in 2017) and M (moves away in 2017).
    const u = await createHousehold(district, { householdCode: 'UNREV-1', headName: 'Đỗ Thị Chưa' });
    const m = await createHousehold(district, { householdCode: 'MOVED-1', headName: 'Bùi Văn Đi', ethnicGroup: 'khmer' });
    for (const h of [u, m]) expect((await putAssessment(district, h.id, 2016, POOR)).status).to.equal(200);
    const before = rowOf((await district.get('/api/reports/rates?round=2017&standard=city')).body);
    // Before anything happens in 2017: both still on the poor list (carried), both unreviewed; nobody escaped.
    expect(before.poor).to.deep.include({ start: 2, escaped: 0, removed: 0, end: 2, unreviewed: 2, minorityStart: 1, minorityEnd: 1 });
    expect(before.flags).to.include('UNREVIEWED');
    const refused = await ward.post(`/api/rounds/2017/wards/${W}/submit`);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('UNREVIEWED_HOUSEHOLDS');
    expect(refused.body.error.details.map((d: any) => d.value.householdCode).sort()).to.deep.equal(['MOVED-1', 'UNREV-1']);
    expect((await ward.get('/api/rounds/2017/wards')).body.data[0].unreviewed).to.equal(2);
    // M moves away in March 2017; U is surveyed and is above the lines.
    const v = (await district.get(`/api/households/${m.id}`)).body.version;
    expect((await district.delete(`/api/households/${m.id}`, { reason: 'moved', date: '2017-03-10' }, { 'if-match': `"${v}"` })).status).to.equal(200);
    expect((await putAssessment(district, u.id, 2017, OFF)).status).to.equal(200);
    const after = rowOf((await district.get('/api/reports/rates?round=2017&standard=city')).body);
    expect(after.poor).to.deep.include({ start: 2, escaped: 1, removed: 1, end: 0, unreviewed: 0, minorityStart: 1, minorityEnd: 0 });
    expect(after.poor.start - after.poor.escaped - after.poor.removed + after.poor.fellBack + after.poor.new).to.equal(after.poor.end);
    // Now the ward can submit; the district approves with its decision, which the report and rates.xlsx show.
    expect((await ward.post(`/api/rounds/2017/wards/${W}/submit`)).status).to.equal(200);
    expect((await district.post(`/api/rounds/2017/wards/${W}/approve`, { decisionNumber: '125/QĐ-UBND', decisionDate: '2017-12-22' })).status).to.equal(200);
    const report = (await district.get('/api/reports/rates?round=2017&standard=city')).body;
    expect(rowOf(report).approval).to.deep.equal({ status: 'approved', decisionNumber: '125/QĐ-UBND', decisionDate: '2017-12-22' });
    expect(rowOf(report, OTHER).approval.status).to.equal('approved');
    expect(report.total.flags).to.include('NOT_ALL_APPROVED');
  });

  it('import rows of an approved ward-round are row errors ROUND_APPROVED; the rest of the file is unaffected', async () => {
    // Rows alternate wards W (rows 2, 4) and OTHER (rows 3, 5); round 2017 of both is approved, round 2020 is open.
    const rows = surveyRows(4, { round: 2017, wards: [W, '26770'], codePrefix: 'IMP' });
    const res = await uploadWorkbook(district, await workbookBuffer([{ name: 'Hộ', rows }]));
    expect(res.status).to.equal(202);
    const result = await waitForImport(district, res.body.id);
    expect(result.summary).to.include({ rows: 4, valid: 2, invalid: 2 });
    const approvedErrors = result.errors.filter((e: any) => e.code === 'ROUND_APPROVED');
    expect(approvedErrors.map((e: any) => e.row)).to.deep.equal([2, 4]);
    expect(approvedErrors[0].message.en).to.match(/approved/);
    const done = await district.post(`/api/imports/${result.id}/commit`, { skipInvalid: true });
    expect(done.status).to.equal(202);
    const committed = await waitForImport(district, result.id);
    expect(committed.status).to.equal('committed');
    expect(committed.summary.assessments.new).to.equal(2);
  });

  it('DTTS: the optional import column "Dân tộc" sets the head’s group (unknown names refused); the report counts minority households', async () => {
    const rows = surveyRows(3, { round: 2020, wards: ['26787'], codePrefix: 'DT' });
    rows[0]!.push('Dân tộc');
    rows[1]!.push('Khơ-me');
    rows[2]!.push('Người Sao Hỏa');
    rows[3]!.push('');
    for (const r of rows.slice(1)) r[8] = 1_000_000; // income per month (12 M a year): city-poor in 2020
    const res = await uploadWorkbook(district, await workbookBuffer([{ name: 'Hộ', rows }]));
    const result = await waitForImport(district, res.body.id);
    const bad = result.errors.find((e: any) => e.code === 'UNKNOWN_ETHNIC_GROUP');
    expect(bad).to.include({ row: 3, column: 'Dân tộc', value: 'Người Sao Hỏa' });
    expect((await district.post(`/api/imports/${result.id}/commit`, { skipInvalid: true })).status).to.equal(202);
    expect((await waitForImport(district, result.id)).status).to.equal('committed');
    const listed = (await district.get('/api/households?ward=26787&q=DT')).body.data;
    expect(listed.map((h: any) => [h.householdCode, h.ethnicGroup]).sort()).to.deep.equal([['DT000000', 'khmer'], ['DT000002', 'kinh']]);
    const row = rowOf((await district.get('/api/reports/rates?round=2020&standard=city')).body, '26787');
    expect(row.poor).to.deep.include({ end: 2, new: 2, minorityEnd: 1 });
  });

  it('rates.xlsx prints each ward’s decision or "chưa phê duyệt", and a note when the total includes unapproved wards', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const res = await district.get('/api/reports/rates.xlsx?round=2017&standard=city');
    expect(res.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('AP5').value).to.equal('Quyết định phê duyệt danh sách');
    expect(ws.getRow(7).getCell(2).value).to.equal('Phường Thạnh Xuân');
    expect(ws.getRow(7).getCell(42).value).to.equal('125/QĐ-UBND ngày 22/12/2017');
    expect(ws.getRow(7).getCell(10).value).to.equal(1); // poor "giảm khác": the moved household
    expect(ws.getRow(8).getCell(42).value).to.equal('17/QĐ-UBND ngày 22/12/2017');
    expect(ws.getRow(9).getCell(42).value).to.equal('chưa phê duyệt');
    const notes: string[] = [];
    ws.eachRow((row) => {
      const v = row.getCell(1).value;
      if (typeof v === 'string') notes.push(v);
    });
    expect(notes.some((n) => /gồm 9 phường chưa phê duyệt danh sách năm 2017/.test(n))).to.equal(true);
    expect(notes.some((n) => /Giảm khác/.test(n) && /không tính là thoát nghèo/.test(n))).to.equal(true);
  });

  it('round 2018 uses the raised city lines: 25 M VND a year is near-poor in 2017 and poor in 2018', async () => {
    const h = await createHousehold(district, { wardCode: '26773', householdCode: 'SWITCH-1' });
    const a2017 = await putAssessment(district, h.id, 2017, income(25_000_000, 'year'));
    const a2018 = await putAssessment(district, h.id, 2018, income(25_000_000, 'year'));
    expect([a2017.body.cityCategory, a2017.body.results.city.setId]).to.deep.equal(['near_poor', 'hcm-2016-2018']);
    expect([a2018.body.cityCategory, a2018.body.results.city.setId]).to.deep.equal(['poor', 'hcm-2019-2020']);
  });

  it('a database made before the switch re-classifies its round-2018 assessments once at start (not approved rounds), audited', async () => {
    const { applyCriteriaSchedule } = await import('../../server/domain/assessments/schedule.ts');
    const { systemActor } = await import('../../server/context.ts');
    const deps = t.registry.deps;
    const ctx = { ...deps, actor: systemActor('criteria-schedule'), requestId: 'test' };
    const open = await createHousehold(district, { wardCode: '26776', householdCode: 'OLD-2018-A' });
    const frozen = await createHousehold(district, { wardCode: '26779', householdCode: 'OLD-2018-B' });
    for (const h of [open, frozen]) expect((await putAssessment(district, h.id, 2018, income(25_000_000, 'year'))).status).to.equal(200);
    await approve(district, 2018, '26779');
    // Make both look like rows classified before the change: city set hcm-2016-2018, near-poor.
    await deps.db.execute(sql`update assessments set city_category = 'near_poor', results = jsonb_set(jsonb_set(results, '{city,setId}', '"hcm-2016-2018"'), '{city,category}', '"near_poor"') where round = 2018 and household_id in (${open.id}, ${frozen.id})`);
    const done = await applyCriteriaSchedule(ctx);
    expect(done.map((d) => [d.setId, d.rounds, d.changed])).to.deep.equal([['hcm-2019-2020', [2018], 1]]);
    const rows = await deps.db.select().from(assessments).where(eq(assessments.round, 2018));
    expect(rows.find((r) => r.householdId === open.id)!.cityCategory).to.equal('poor');
    expect(rows.find((r) => r.householdId === frozen.id)!.cityCategory).to.equal('near_poor'); // approved: untouched
    const audit = await deps.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'reclassify'), eq(auditEvents.entityId, open.id)));
    expect(audit[0]!.meta).to.deep.include({ round: 2018, setId: 'hcm-2019-2020' });
    expect((audit[0]!.meta as { reason: string }).reason).to.match(/CRITERIA_ROUNDS/);
    expect(await applyCriteriaSchedule(ctx)).to.deep.equal([]); // the approved one still differs; it stays as approved
  });

  it('at start, the check is skipped while its last result stands, and runs again when a ward-round it left is reopened', async () => {
    const { applyCriteriaScheduleAtStart } = await import('../../server/domain/assessments/schedule.ts');
    const { systemActor } = await import('../../server/context.ts');
    const deps = t.registry.deps;
    const ctx = { ...deps, actor: systemActor('criteria-schedule'), requestId: 'test' };
    // The previous test left household OLD-2018-B's round 2018 (ward 26779, approved) under the old set.
    expect(await applyCriteriaScheduleAtStart(ctx)).to.equal(null);
    // Nothing the registry does writes an assessment of another set while the schedule stays; a row made so by hand
    // shows the start-up check does not read the assessments when its last result stands.
    const planted = await createHousehold(district, { wardCode: '26776', householdCode: 'OLD-2018-C' });
    expect((await putAssessment(district, planted.id, 2018, income(25_000_000, 'year'))).status).to.equal(200);
    const oldSet = sql`update assessments set city_category = 'near_poor', results = jsonb_set(jsonb_set(results, '{city,setId}', '"hcm-2016-2018"'), '{city,category}', '"near_poor"') where round = 2018 and household_id = ${planted.id}`;
    await deps.db.execute(oldSet);
    expect(await applyCriteriaScheduleAtStart(ctx)).to.equal(null);
    // Reopening the ward-round it had to leave makes the next start check again: both rows move to the raised lines.
    expect((await district.post('/api/rounds/2018/wards/26779/reopen', { reason: 'Áp dụng chuẩn nghèo mới' })).status).to.equal(200);
    const done = await applyCriteriaScheduleAtStart(ctx);
    expect(done!.map((d) => [d.setId, d.rounds, d.changed])).to.deep.equal([['hcm-2019-2020', [2018], 2]]);
    const rows = await deps.db.select().from(assessments).where(eq(assessments.round, 2018));
    expect(rows.filter((r) => r.results && (r.results as any).city.setId === 'hcm-2016-2018')).to.deep.equal([]);
    expect(await applyCriteriaScheduleAtStart(ctx)).to.equal(null);
    // Another schedule (the raised city lines from 2019 only) is checked again at the next start.
    const moved = { ...ctx, config: { ...ctx.config, criteriaRounds: { ...ctx.config.criteriaRounds, city: ctx.config.criteriaRounds.city.map((r) => ({ ...r })) } } };
    moved.config.criteriaRounds.city.find((r) => r.set === 'hcm-2019-2020')!.from = 2019;
    moved.config.criteriaRounds.city.find((r) => r.set === 'hcm-2016-2018')!.to = 2018;
    const redone = await applyCriteriaScheduleAtStart(moved);
    expect(redone!.map((d) => [d.setId, d.rounds])).to.deep.include(['hcm-2016-2018', [2018]]);
  });

  it('member facts: null derives nothing; a child of school age not in school is derived (age at the survey date); a contradicted tick warns', async () => {
    const members = [
      { name: 'Mẹ', birthYear: 1980, sex: 'female', relation: 'chủ hộ', idNumber: null, hasHealthInsurance: null, inSchool: null },
      { name: 'Con', birthYear: 2012, sex: 'male', relation: 'con', idNumber: null, hasHealthInsurance: true, inSchool: false },
    ];
    const h = await createHousehold(district, { wardCode: '26782', householdCode: 'FACTS-1', members });
    // Round 2016, surveyed 2016-10-01: the child is 4 → no schooling deprivation; the mother's unknown card → nothing.
    const r2016 = (await putAssessment(district, h.id, 2016, income(60_000_000, 'year', [], { surveyedAt: '2016-10-01' }))).body;
    expect(r2016.deprivations).to.deep.equal([]);
    // Round 2017 with no survey date (31 Dec 2017): the child is 5 and not in school → child_schooling derived.
    const r2017 = (await putAssessment(district, h.id, 2017, income(60_000_000, 'year'))).body;
    expect(r2017.deprivations).to.deep.equal(['child_schooling']);
    expect(r2017.facts.derived).to.deep.equal(['child_schooling']);
    // The surveyor ticks housing_area but 40 m² for 2 people is 20 m² each: the tick stands, with a warning.
    const r2018 = (await putAssessment(district, h.id, 2018, income(60_000_000, 'year', ['housing_area'], { facts: { floorArea: 40 } }))).body;
    expect(r2018.deprivations).to.include('housing_area');
    expect(r2018.warnings.map((w: any) => [w.code, w.indicator])).to.deep.equal([['DERIVED_DIFFERS', 'housing_area']]);
  });
});
