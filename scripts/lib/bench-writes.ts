/**
 * Benchmark 5 — single writes at district size (issue 14): saving a household (PATCH with If-Match) and saving an
 * assessment (PUT …/assessments/2020), one after the other through the API, on households spread over the wards.
 * Each save classifies, updates the masks, bumps the data version and audits, so this shows whether a save grows
 * with the registry.
 */
import type { BenchServer } from './bench-server.ts';
import { percentile } from './bench-machine.ts';

export interface WriteFigures {
  runs: number;
  householdP50Ms: number;
  householdP95Ms: number;
  assessmentP50Ms: number;
  assessmentP95Ms: number;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export async function writeLatency(server: BenchServer, wards: string[], runs = 30): Promise<WriteFigures> {
  const targets: { id: string; version: number }[] = [];
  // One household from the second page of each ward in turn (wards without households are skipped).
  for (let i = 0; targets.length < runs + 2 && i < (runs + 2) * 4; i++) {
    const res = await server.get(`/api/households?ward=${wards[i % wards.length]}&page=${2 + Math.floor(i / wards.length)}&pageSize=1`);
    const h = (res.body as { data: { id: string; version: number }[] }).data[0];
    if (h) targets.push(h);
  }
  if (targets.length < runs + 2) throw new Error(`only ${targets.length} households to write`);
  const send = async (method: string, url: string, body: unknown, headers: Record<string, string> = {}) => {
    const t = performance.now();
    const res = await fetch(server.baseUrl + url, { method, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status}`);
    return performance.now() - t;
  };
  const household: number[] = [];
  const assessment: number[] = [];
  for (const [i, h] of targets.entries()) {
    const patch = await send('PATCH', `/api/households/${h.id}`, { address: `${i + 1} Đường Bench` }, { 'if-match': `"${h.version}"` });
    const put = await send('PUT', `/api/households/${h.id}/assessments/2020`, { income: { amount: 1_500_000 + i * 10_000, per: 'month' }, deprivations: i % 2 ? ['water'] : [] });
    if (i >= 2) {
      household.push(patch); // the first two are warm-up
      assessment.push(put);
    }
  }
  return { runs, householdP50Ms: r1(percentile(household, 50)), householdP95Ms: r1(percentile(household, 95)), assessmentP50Ms: r1(percentile(assessment, 50)), assessmentP95Ms: r1(percentile(assessment, 95)) };
}
