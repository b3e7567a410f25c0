/** `npm run totals:import -- <file.xlsx> --round <Y>`: total households per ward (columns: ward code, households). */
import { AppError } from '../server/errors.ts';
import { systemActor } from '../server/context.ts';
import { readTotalsSheet } from '../server/domain/units/totals-sheet.ts';
import { importWardTotals } from '../server/domain/units/totals-service.ts';
import { fail, parseArgs, withRegistry } from './cli.ts';

const usage = 'Usage: npm run totals:import -- <file.xlsx> --round <year>';
const { positional, flags } = parseArgs(process.argv.slice(2));
const file = positional[0];
const round = Number(flags.round);
if (!file || !Number.isInteger(round)) fail(usage, 2);

const report = (err: unknown): never => {
  if (err instanceof AppError) fail(`${err.messages.vi} / ${err.messages.en}\n${err.details.map((d) => `  ${d.path}: ${d.message.vi} / ${d.message.en}`).join('\n')}`, 1);
  throw err;
};

const rows = await readTotalsSheet(file).catch(report);
await withRegistry(async (registry, config) => {
  const ctx = { db: registry.deps.db, config, actor: systemActor('totals:import'), requestId: 'cli' };
  const r = await importWardTotals(ctx, round, rows).catch(report);
  process.stdout.write(`round ${round}: created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}\n`);
});
