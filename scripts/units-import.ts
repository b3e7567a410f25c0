/** `npm run units:import -- <file.geojson>`: loads or updates ward boundaries (idempotent). */
import fs from 'node:fs';
import { AppError } from '../server/errors.ts';
import { systemActor } from '../server/context.ts';
import { importUnitsGeoJson } from '../server/domain/units/service.ts';
import { fail, parseArgs, withRegistry } from './cli.ts';

const { positional } = parseArgs(process.argv.slice(2));
const file = positional[0];
if (!file) fail('Usage: npm run units:import -- <file.geojson>', 2);
let geojson: unknown;
try {
  geojson = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (err) {
  fail(`Không đọc được tệp / Cannot read ${file}: ${(err as Error).message}`, 2);
}
await withRegistry(async (registry) => {
  try {
    const r = await importUnitsGeoJson(registry.deps.db, { actor: systemActor('units:import'), requestId: 'cli' }, geojson);
    process.stdout.write(`created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}\n`);
  } catch (err) {
    if (err instanceof AppError) {
      fail(`${err.messages.vi} / ${err.messages.en}\n${err.details.map((d) => `  ${d.path}: ${d.message.en}`).join('\n')}`, 1);
    }
    throw err;
  }
});
