/**
 * Helpers of the backup tests (issue 18): empty restore targets of either engine, serving a restored target through
 * the real app, a per-table fingerprint, and rewriting a backup file (to make foreign, older or hostile ones).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database, type Executor } from '../../server/db/client.ts';
import { createLogger } from '../../server/logger.ts';
import { openRegistry, pgliteDirOf, type Registry } from '../../server/bootstrap.ts';
import type { Config } from '../../server/config.ts';
import { createApp } from '../../server/app.ts';
import { listTables } from '../../server/domain/backups/repository.ts';
import { trailerLine } from '../../server/domain/backups/format.ts';
import { ADMIN_PASSWORD, TEST_DATABASE_URL, freshPostgresDatabase, testConfig } from './server.ts';
import { ApiClient } from './http.ts';

export type EngineName = 'pglite' | 'postgres';
/** Engines this run can use: PGlite always, PostgreSQL when DATABASE_URL is set. */
export const ENGINES: EngineName[] = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
/** The other engine (the same one when only PGlite is available). */
export const otherEngine = (e: EngineName): EngineName => (ENGINES.length > 1 ? (e === 'pglite' ? 'postgres' : 'pglite') : e);

export interface EmptyTarget {
  engine: EngineName;
  env: Record<string, string>;
  config: Config;
  open(): Promise<Database>;
  /** The registry on the target (migrations and first-start seed run), for loading data sets. */
  registry(): Promise<Registry>;
  /** The real app on the target (after a restore): migrations (none pending), bootstrap, HTTP. */
  serve(): Promise<{ baseUrl: string; admin(): Promise<ApiClient>; database: Database; close(): Promise<void> }>;
  dispose(): Promise<void>;
}

/** A brand-new database: a fresh PostgreSQL database, or a PGlite folder that does not exist yet. */
export async function emptyTarget(engine: EngineName): Promise<EmptyTarget> {
  const pgdb = engine === 'postgres' ? await freshPostgresDatabase(TEST_DATABASE_URL) : null;
  const env = { BACKUP_AT: 'off', ...(pgdb ? { DATABASE_URL: pgdb.url } : {}) };
  const config = testConfig(env);
  return {
    engine,
    env,
    config,
    open: () => openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirOf(config) }),
    registry: () => openRegistry(config, createLogger(config), { announce: () => {} }),
    async serve() {
      const registry = await openRegistry(config, createLogger(config), { announce: () => {} });
      const app = createApp(registry.deps);
      const server: Server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return {
        baseUrl,
        database: registry.database,
        async admin() {
          const res = await new ApiClient(baseUrl).post('/api/auth/token', { username: 'admin', password: ADMIN_PASSWORD });
          if (res.status !== 200) throw new Error(`admin token: ${res.status} ${JSON.stringify(res.body)}`);
          return new ApiClient(baseUrl, res.body.token);
        },
        async close() {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await registry.close();
        },
      };
    },
    async dispose() {
      await pgdb?.drop();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * md5 of every table's rows (as JSON, sorted), read in UTC so both engines print timestamps alike. Tables that the
 * serving itself changes (sessions, audit) can be left out.
 */
export async function fingerprint(exec: Executor, skip: string[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await exec.transaction(async (tx) => {
    await tx.execute(sql`set local time zone 'UTC'`);
    for (const t of await listTables(tx)) {
      if (skip.includes(t.name)) continue;
      const [r] = await queryRows<{ h: string; n: number }>(
        tx,
        sql`select md5(coalesce(string_agg(j, '|' order by j), '')) as h, count(*)::int as n from (select row_to_json(x)::text as j from ${sql.identifier(t.name)} x) s`,
      );
      out[t.name] = `${r!.n}:${r!.h}`;
    }
  });
  return out;
}

export async function tableCounts(exec: Executor): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await listTables(exec)) {
    const [r] = await queryRows<{ n: number }>(exec, sql`select count(*)::int as n from ${sql.identifier(t.name)}`);
    out[t.name] = r!.n;
  }
  return out;
}

/** The lines of a backup (uncompressed), without the trailer. */
export function backupLines(file: string): string[] {
  const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
  lines.pop(); // after the last \n
  lines.pop(); // the trailer
  return lines;
}

/** Writes lines as a well-formed backup (fresh trailer, no sidecar): a file whose checksum is right by construction. */
export function writeBackupLines(lines: string[], name = 'crafted.jsonl.gz'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-crafted-'));
  const body = lines.map((l) => l + '\n').join('');
  const rows = lines.length - 1;
  const content = body + trailerLine({ rows, sha256: crypto.createHash('sha256').update(body).digest('hex') });
  const file = path.join(dir, name);
  fs.writeFileSync(file, zlib.gzipSync(content), { mode: 0o600 });
  return file;
}

/** A copy of a file in a temp folder (without its sidecar unless asked), for tampering. */
export function copyOf(file: string, withSidecar = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-copy-'));
  const to = path.join(dir, path.basename(file));
  fs.copyFileSync(file, to);
  if (withSidecar) fs.copyFileSync(file + '.sha256', to + '.sha256');
  return to;
}
