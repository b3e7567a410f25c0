/**
 * `npm run demo [-- --data-dir ./data-demo]`: the registry on its own embedded database, loaded (the first time only)
 * with the synthetic Quận 12 of scripts/lib/demo-generator.ts, then served exactly like `npm start` with DEMO_MODE=1
 * (the client shows a demo banner). Never touches DATABASE_URL or the normal ./data folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import { openRegistry, pgliteDirOf } from '../server/bootstrap.ts';
import { DataFolderInUseError } from '../server/db/lock.ts';
import { randomPassword } from '../server/domain/users/passwords.ts';
import { fail, parseArgs } from './cli.ts';
import { calibratedFigures, loadDemoDistrict } from './lib/demo-load.ts';
import { DEMO_SEED } from './lib/demo-generator.ts';

const MARKER = 'demo-loaded.json';
const { flags } = parseArgs(process.argv.slice(2));
const dataDir = path.resolve(typeof flags['data-dir'] === 'string' ? flags['data-dir'] : './data-demo');
const out = (line: string) => process.stdout.write(line + '\n');

let base: Config;
try {
  base = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message, 2);
  throw err;
}
const password = base.demoPassword ?? randomPassword();
// The demo always runs embedded, in its own folder; admin gets the demo password without a forced change.
const config: Config = { ...base, dataDir, databaseUrl: null, demoMode: true, adminPassword: password };

const pgdata = pgliteDirOf(config);
const marker = path.join(dataDir, MARKER);
const fresh = !fs.existsSync(pgdata) || fs.readdirSync(pgdata).length === 0;
if (!fresh && !fs.existsSync(marker)) {
  fail(`${dataDir} holds a database that is not a finished demo load. Delete the folder and run the demo again.\n` + `${dataDir} chứa dữ liệu không phải bản demo hoàn chỉnh: xoá thư mục rồi chạy lại.`, 1);
}

if (fresh) {
  out(`Sổ hộ nghèo — demo: loading the synthetic Quận 12 into ${dataDir} (seed ${DEMO_SEED})…`);
  const started = performance.now();
  let registry;
  try {
    registry = await openRegistry(config, createLogger({ logLevel: 'warn' }), { announce: () => {} });
  } catch (err) {
    if (err instanceof DataFolderInUseError) fail(err.message, 3);
    throw err;
  }
  try {
    const report = await loadDemoDistrict(registry, config, password, (line) => out(`  ${line}`));
    const figures = await calibratedFigures(registry);
    const loadMs = Math.round(performance.now() - started);
    fs.writeFileSync(marker, JSON.stringify({ seed: DEMO_SEED, loadedAt: new Date().toISOString(), loadMs, ...report, figures }, null, 2));
    out(`  loaded in ${(loadMs / 1000).toFixed(1)} s\n`);
    out('Round 2017, city standard, Quận 12 (read back from the report service):');
    out(`  total households ${figures.totalHouseholds} · poor ${figures.poor} (${figures.poorRate?.toFixed(2)} %) · near-poor ${figures.nearPoor} (${figures.nearPoorRate?.toFixed(2)} %)\n`);
    out('Demo accounts / Tài khoản demo (shown once; set DEMO_PASSWORD to choose it):');
    out(`  ${report.users.join(', ')}`);
    out(`  password / mật khẩu: ${password}\n`);
  } finally {
    await registry.close();
  }
} else {
  const loaded = JSON.parse(fs.readFileSync(marker, 'utf8')) as { users: string[]; figures: { poor: number; nearPoor: number } };
  out(`Sổ hộ nghèo — demo data already loaded in ${dataDir} (delete the folder to reload).`);
  out(`  accounts: ${loaded.users.join(', ')} — password as printed at the first load (or DEMO_PASSWORD)`);
}

out(`Open http://localhost:${config.port} — demo data, no real people.\n`);
// Serve it exactly like `npm start` (client build check included), on the demo folder with DEMO_MODE=1.
process.env.DATA_DIR = dataDir;
process.env.DEMO_MODE = '1';
process.env.DATABASE_URL = '';
await import('./start.mjs');
