/**
 * `npm start`: builds what is missing or older than its sources — the client (Vite) and the server (tsc to
 * dist/server, plus the migrations and seed files it reads) — each in a child process, then runs the compiled server
 * in this process. Plain JavaScript on purpose: the API process then never loads the TypeScript loader (tsx), which
 * costs ~75 MiB of resident memory (issue 14, docs/BENCHMARKS.md). `npm run dev` and the tests run the sources.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);

function newestMtime(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file shows as a newer directory
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}
const builtAt = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : -1);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

const clientIndex = path.join(root, 'dist/client/index.html');
if (builtAt(clientIndex) < newestMtime(path.join(root, 'client'))) {
  process.stdout.write('Building the client (Vite)…\n');
  run(bin('vite'), ['build', '--logLevel', 'warn']);
}

const serverMain = path.join(root, 'dist/server/main.js');
const serverSources = Math.max(newestMtime(path.join(root, 'server')), newestMtime(path.join(root, 'tsconfig.build.json')), newestMtime(path.join(root, 'package-lock.json')));
if (builtAt(serverMain) < serverSources) {
  process.stdout.write('Building the server (tsc)…\n');
  fs.rmSync(path.join(root, 'dist/server'), { recursive: true, force: true });
  run(bin('tsc'), ['-p', 'tsconfig.build.json']);
  // Files the server reads beside its modules (migrations, seed data).
  fs.cpSync(path.join(root, 'server'), path.join(root, 'dist/server'), { recursive: true, filter: (src) => fs.statSync(src).isDirectory() || !src.endsWith('.ts') });
  fs.utimesSync(serverMain, new Date(), new Date()); // built after every source it was built from
}

await import(pathToFileURL(serverMain).href);
