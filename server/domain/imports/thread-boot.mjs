// Starts a worker thread from the TypeScript sources (tests, `npm run dev`): registers tsx, then loads the entry.
// `npm start` runs the compiled JavaScript and never loads this file.
import { workerData } from 'node:worker_threads';

const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
