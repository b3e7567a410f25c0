/**
 * The data folder holds every household (PGlite's files, uploads, the session secret): only the account running the
 * registry may read or write it (issue 13 item 2). PGlite creates its files with the process umask (0666/0755 under
 * the usual 022), so the process umask becomes 077 and an existing folder is tightened once at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.ts';

const PRIVATE_UMASK = 0o077;

/** Files and folders under `dir` (the folder included) that group or others may access. */
export function exposedEntries(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.mode & 0o077) out.push(p);
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/**
 * Sets the process umask to 077, creates `dir` as 0700 and removes group/other permissions from everything already
 * under it; logs one warning (with the count, never the file names) when it had to.
 */
export function securePrivateFolder(dir: string, logger: Logger): { tightened: number } {
  process.umask(PRIVATE_UMASK);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { exposed, failed } = tightenFolder(dir);
  if (exposed > 0) {
    logger.warn({ dataDir: dir, tightened: exposed - failed, failed }, 'the data folder was readable by other accounts; removed group/other permissions');
  }
  return { tightened: exposed - failed };
}

/**
 * Removes group/other permissions under `dir`. Also run right after PGlite opens: it unpacks its initial cluster
 * with mode 0666 and writes pg_internal.init as 0644 at each start, whatever the umask (files it creates later
 * are 0600).
 */
export function tightenFolder(dir: string): { exposed: number; failed: number } {
  const exposed = exposedEntries(dir);
  let failed = 0;
  for (const p of exposed) {
    try {
      fs.chmodSync(p, fs.lstatSync(p).mode & 0o700);
    } catch {
      failed++; // another account's file: reported, the start goes on
    }
  }
  return { exposed: exposed.length, failed };
}
