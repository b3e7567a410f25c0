/**
 * The list masks an import commit leaves must equal what each household's assessments say — for new households whose
 * rounds sit far apart in the file, and for existing ones that gain a round — and a commit refused several batches in
 * writes nothing. The foreign key from assessments to households refuses an orphan at once.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/db/client.ts';
import { listMasks } from '../../server/domain/assessments/rules.ts';
import type { Category } from '../../server/domain/criteria/types.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { ApiClient } from '../support/http.ts';
import { commitAndWait, importFile, surveyRows, workbookBuffer } from '../support/workbooks.ts';

async function importAndCommit(client: ApiClient, rows: unknown[][]) {
  const validated = await importFile(client, await workbookBuffer([{ name: 'Hộ', rows }]));
  expect(validated.status, JSON.stringify(validated.failure ?? validated.errors)).to.equal('validated');
  expect(validated.summary.invalid).to.equal(0);
  const done = await commitAndWait(client, validated.id);
  expect(done.status, JSON.stringify(done.failure)).to.equal('committed');
  // The dry run counts and classifies like the commit: one-row and several-row households take different paths.
  for (const k of ['households', 'assessments', 'categories', 'nationalCategories']) expect(done.summary[k], k).to.deep.equal(validated.summary[k]);
  return done;
}

describe('imports: list masks after a commit; a commit refused midway', function () {
  this.timeout(120_000);
  let t: TestServer;
  let district: ApiClient;
  before(async () => {
    t = await startTestServer();
    district = await t.as('district');
  });
  after(async () => t?.close());

  it('stored masks equal the masks of each household’s assessments, new or existing; an orphan assessment is still refused', async () => {
    const first = await importAndCommit(district, surveyRows(20, { round: 2017 }));
    expect(first.summary.households).to.deep.equal({ new: 20, updated: 0, unchanged: 0 });
    // New households with their 2017 row first and their 2018 row at the end of the file; existing households
    // gaining 2018 in between.
    const body = (rows: unknown[][]) => rows.slice(1);
    // The generated ID number follows the index only: the new households get their own.
    const newIds = (rows: unknown[][]) => rows.map((r, i) => (i === 0 ? r : r.map((v, c) => (c === 3 ? `0791000${String(50_000 + i).padStart(5, '0')}` : v))));
    const second = await importAndCommit(district, [
      ...newIds(surveyRows(15, { round: 2017, codePrefix: 'N' })),
      ...body(surveyRows(10, { round: 2018 })),
      ...body(newIds(surveyRows(15, { round: 2018, codePrefix: 'N' }))),
    ]);
    expect(second.summary.households.new).to.equal(15);
    expect(second.summary.assessments.new).to.equal(40);

    const db = t.registry.deps.db;
    const stored = await queryRows<Record<string, number> & { id: string }>(
      db,
      sql`select id, city_poor_mask as "cityPoorMask", city_near_poor_mask as "cityNearPoorMask", national_poor_mask as "nationalPoorMask",
                 national_near_poor_mask as "nationalNearPoorMask", assessed_mask as "assessedMask", city_average_mask as "cityAverageMask",
                 national_average_mask as "nationalAverageMask" from households`,
    );
    const rows = await queryRows<{ householdId: string; round: number; cityCategory: Category; nationalCategory: Category }>(
      db,
      sql`select household_id as "householdId", round, city_category as "cityCategory", national_category as "nationalCategory" from assessments`,
    );
    expect(stored).to.have.length(35);
    const roundMin = t.registry.deps.config.roundMin;
    let twoRounds = 0;
    for (const h of stored) {
      const own = rows.filter((r) => r.householdId === h.id);
      if (own.length === 2) twoRounds++;
      const { id: _id, ...masks } = h;
      expect(masks, h.id).to.deep.equal(listMasks(own, roundMin));
      expect(masks.assessedMask).to.not.equal(0);
    }
    expect(twoRounds).to.equal(25);
    // One create event per new household, naming its id; an absent "before" is SQL NULL, not JSON null.
    const created = await queryRows<{ entityId: string; hasBefore: boolean; code: string }>(
      db,
      sql`select entity_id as "entityId", before is not null as "hasBefore", after->>'householdCode' as code from audit_events where entity = 'household' and action = 'create'`,
    );
    expect(created).to.have.length(35);
    expect(created.every((e) => !e.hasBefore)).to.equal(true);
    expect(new Set(created.map((e) => e.entityId))).to.deep.equal(new Set(stored.map((h) => h.id)));
    // The foreign key refuses an orphan assessment.
    const orphan = await district.get('/api/households?pageSize=1');
    expect(orphan.status).to.equal(200);
    let code: string | undefined;
    try {
      await db.execute(sql`update assessments set household_id = gen_random_uuid() where id = (select id from assessments limit 1)`);
    } catch (err) {
      code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
    }
    expect(code).to.equal('23503');
  });

  it('a ward-round approved between validation and commit fails the whole commit, several batches in: nothing written', async () => {
    const db = t.registry.deps.db;
    const count = async (table: string) => (await queryRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;
    // 4,500 rows (three write batches of 2,000): the last ward's rows come at the end of the file.
    const rows = [...surveyRows(4000, { round: 2019, wards: ['26764'], codePrefix: 'A' }), ...surveyRows(500, { round: 2019, wards: ['26770'], codePrefix: 'B' }).slice(1)]
      .map((r, i) => (i === 0 ? r : r.map((v, c) => (c === 3 ? `0792${String(i).padStart(8, '0')}` : v))));
    const validated = await importFile(district, await workbookBuffer([{ name: 'Hộ', rows }]));
    expect(validated.status, JSON.stringify(validated.failure ?? validated.errors)).to.equal('validated');
    expect(validated.summary.valid).to.equal(4500);
    const before = { households: await count('households'), assessments: await count('assessments'), audit: await count('audit_events') };
    await db.execute(sql`insert into ward_rounds (ward_code, round, status) values ('26770', 2019, 'approved')`);
    const done = await commitAndWait(district, validated.id);
    expect(done.status).to.equal('failed');
    expect(done.failure.code).to.equal('ROUND_APPROVED');
    expect({ households: await count('households'), assessments: await count('assessments'), audit: await count('audit_events') }).to.deep.equal(before);
    // The server is still answering.
    expect((await district.get('/api/households?pageSize=1')).status).to.equal(200);
  });
});
