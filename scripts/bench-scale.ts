/**
 * `npm run bench:scale` (issue 16): loads a district into a fresh database on the primary of SCALE_PRIMARY_URL, then
 * measures household pages and the rates report with one and two app instances, without and with the streaming
 * replica of SCALE_REPLICA_URL (the clusters of `bash test/scale/clusters.sh up`). Writes bench/results-scale.json.
 * Options: --district households (116000), --duration seconds per run (10), --connections (20).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseArgs } from './cli.ts';
import { gitCommit, machineInfo } from './lib/bench-machine.ts';
import { postgresEngine } from './lib/bench-engines.ts';
import { QUAN12_WARDS, prepareDataset } from './lib/bench-reports.ts';
import { runScaleBench } from './lib/bench-scale.ts';

const { flags } = parseArgs(process.argv.slice(2));
const num = (key: string, d: number) => (typeof flags[key] === 'string' ? Number(flags[key]) : d);
const primary = process.env.SCALE_PRIMARY_URL || '';
const replica = process.env.SCALE_REPLICA_URL || '';
if (!primary || !replica) {
  process.stderr.write('Set SCALE_PRIMARY_URL and SCALE_REPLICA_URL (bash test/scale/clusters.sh up writes them)\n');
  process.exit(2);
}
const log = (line: string) => process.stdout.write(line + '\n');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-bench-scale-'));
const engine = postgresEngine(primary);
try {
  const households = num('district', 116_000);
  log(`loading ${households} households (rounds 2016–2017) on the primary…`);
  const d = await prepareDataset(engine, scratch, 'scale', QUAN12_WARDS, households, [2016, 2017], log);
  const readUrl = new URL(replica);
  readUrl.pathname = new URL(d.databaseUrl!).pathname;
  // The replica has the new database once it replayed its creation and the load.
  for (let i = 0; ; i++) {
    const c = new pg.Client({ connectionString: readUrl.toString() });
    try {
      await c.connect();
      const [r] = (await c.query('select count(*)::int as n from households')).rows as { n: number }[];
      await c.end();
      if (r!.n === households) break;
    } catch {
      await c.end().catch(() => {});
    }
    if (i > 600) throw new Error('the replica did not catch up');
    await new Promise((res) => setTimeout(res, 500));
  }
  const result = await runScaleBench({
    dataDirs: [path.join(scratch, 'a'), path.join(scratch, 'b')],
    databaseUrl: d.databaseUrl!,
    readUrl: readUrl.toString(),
    connections: num('connections', 20),
    durationS: num('duration', 10),
    wards: QUAN12_WARDS,
    log,
  });
  const out = path.resolve('bench/results-scale.json');
  fs.writeFileSync(out, JSON.stringify({ generatedAt: new Date().toISOString(), machine: machineInfo(), git: gitCommit(), households, load: d.load, ...result }, null, 2) + '\n');
  log(`wrote ${out}`);
} finally {
  await engine.cleanup();
  fs.rmSync(scratch, { recursive: true, force: true });
}
