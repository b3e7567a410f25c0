/** `npm run migrate`: applies pending migrations (the server also does this at start). */
import { withRegistry } from './cli.ts';

await withRegistry(async (registry) => {
  process.stdout.write(`${registry.deps.engine}: ${registry.deps.migrations} migrations applied\n`);
});
