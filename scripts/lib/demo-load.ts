/**
 * Writes the generated demo district through the same services the API uses — ward totals (totals service), the
 * demo accounts (users service) and the households with their assessments (the import's bulk applyRows, which
 * classifies, sets the list masks and audits) — so loading the demo also exercises the write path. No SQL here.
 */
import type { Config } from '../../server/config.ts';
import { systemActor, type Ctx } from '../../server/context.ts';
import type { Registry } from '../../server/bootstrap.ts';
import { loadCriteriaResolver } from '../../server/domain/criteria/service.ts';
import { applyRows } from '../../server/domain/imports/apply.ts';
import { refreshStatistics } from '../../server/db/maintenance.ts';
import type { ImportRow } from '../../server/domain/imports/types.ts';
import { importWardTotals } from '../../server/domain/units/totals-service.ts';
import { createUser } from '../../server/domain/users/service.ts';
import { ratesReport } from '../../server/domain/reports/service.ts';
import { approveRound, submitRound } from '../../server/domain/rounds/service.ts';
import { DEMO_ROUNDS, WARD_PROFILES } from './demo-district.ts';
import { generateDemoDistrict, type DemoHousehold } from './demo-generator.ts';

export interface DemoLoadReport {
  households: number;
  assessments: number;
  users: string[];
  /** Ward code → round → list status after the load. */
  rounds: Record<string, Record<number, string>>;
  timings: { generateMs: number; totalsMs: number; usersMs: number; householdsMs: number; roundsMs: number };
}

export function demoCtx(registry: Registry, requestId = 'demo-load'): Ctx {
  const { deps } = registry;
  return { db: deps.db, engine: deps.engine, config: deps.config, actor: systemActor('demo'), requestId, logger: deps.logger };
}

/** One household's rounds as import rows (the shape the workbook parser produces). */
export function toImportRows(h: DemoHousehold): ImportRow[] {
  return h.assessments.map((a) => ({
    wardCode: h.wardCode,
    householdCode: h.householdCode,
    headName: h.headName,
    headIdNumber: h.headIdNumber,
    address: h.address,
    area: h.area,
    members: h.members,
    round: a.round,
    income: a.income,
    deprivations: a.deprivations,
    facts: { ...a.facts, membersCount: h.members.length },
    surveyedAt: a.surveyedAt,
    surveyor: a.surveyor,
  }));
}

const since = (t: number) => Math.round(performance.now() - t);

/** Loads the demo district into an empty registry; `progress` receives one short line per step. */
export async function loadDemoDistrict(registry: Registry, config: Config, password: string, progress: (line: string) => void): Promise<DemoLoadReport> {
  const ctx = demoCtx(registry);
  let t = performance.now();
  const dataset = generateDemoDistrict(await loadCriteriaResolver(ctx.db, config));
  const generateMs = since(t);
  progress(`generated ${dataset.households.length} households, ${dataset.assessmentCount} assessments (${generateMs} ms)`);

  t = performance.now();
  for (const round of DEMO_ROUNDS) {
    const rows = dataset.wardTotals.filter((w) => w.round === round).map((w, i) => ({ row: i + 1, wardCode: w.wardCode, households: w.households }));
    await importWardTotals(ctx, round, rows);
  }
  const totalsMs = since(t);

  t = performance.now();
  const users = ['district', ...WARD_PROFILES.map((w) => `ward-${w.code}`)];
  for (const username of users) {
    const wardCode = username.startsWith('ward-') ? username.slice(5) : null;
    await createUser(ctx, { username, password, role: wardCode ? 'ward' : 'district', wardCode, mustChangePassword: false });
  }
  const usersMs = since(t);
  progress(`ward totals and ${users.length + 1} accounts (${totalsMs + usersMs} ms)`);

  // One applyRows call per ward: each is one transaction, and a household's rounds never straddle two calls.
  t = performance.now();
  for (const ward of WARD_PROFILES) {
    const rows = dataset.households.filter((h) => h.wardCode === ward.code).flatMap(toImportRows);
    await applyRows(ctx, rows, { importId: null, source: 'demo' });
    progress(`  ${ward.name}: ${rows.length} assessments`);
  }
  await refreshStatistics(registry.deps.db);
  const householdsMs = since(t);
  progress(`households and assessments written (${householdsMs} ms)`);

  t = performance.now();
  const rounds = await recordDemoDecisions(ctx);
  const roundsMs = since(t);
  progress(`ward lists: 2015–2019 approved (demo decisions), 2020 partly submitted (${roundsMs} ms)`);
  return { households: dataset.households.length, assessments: dataset.assessmentCount, users: ['admin', ...users], rounds, timings: { generateMs, totalsMs, usersMs, householdsMs, roundsMs } };
}

/** Wards whose officers have submitted their 2020 list in the demo (the others are still reviewing). */
export const DEMO_SUBMITTED_2020 = 5;

/**
 * The official record of the demo (issue 12 §2), through the rounds service: every ward's list of 2015–2019 is
 * submitted and approved by a made-up decision marked "(demo)"; in 2020 the first wards have submitted, the rest are
 * open. Returns the round table (ward → status per round) for the load report.
 */
export async function recordDemoDecisions(ctx: Ctx): Promise<Record<string, Record<number, string>>> {
  const table: Record<string, Record<number, string>> = {};
  for (const [i, ward] of WARD_PROFILES.entries()) {
    table[ward.code] = {};
    for (const round of DEMO_ROUNDS) {
      if (round === 2020 && i >= DEMO_SUBMITTED_2020) {
        table[ward.code]![round] = 'open';
        continue;
      }
      await submitRound(ctx, round, ward.code);
      if (round === 2020) {
        table[ward.code]![round] = 'submitted';
        continue;
      }
      const number = `${100 + i * 7 + (round - 2015) * 3}/QĐ-UBND (demo)`;
      await approveRound(ctx, round, ward.code, { decisionNumber: number, decisionDate: `${round}-12-${String(20 + (i % 8)).padStart(2, '0')}`, signer: 'Chủ tịch UBND phường (demo)' });
      table[ward.code]![round] = 'approved';
    }
  }
  return table;
}

/** The 2017 city-standard district row, read back from the report service (what the map and report show). */
export async function calibratedFigures(registry: Registry, round = 2017) {
  const report = await ratesReport(demoCtx(registry, 'demo-readback'), { round, standard: 'city' });
  const total = report.total!;
  return { round, totalHouseholds: total.totalHouseholds, poor: total.poor.end, poorRate: total.poor.rate, nearPoor: total.nearPoor.end, nearPoorRate: total.nearPoor.rate };
}
