/**
 * Test harness: the real app on a fresh database per call. PGlite: initdb + migrations once, dumped and cached
 * (memory and node_modules/.cache), then each test database starts from the dump (~1 s). With DATABASE_URL set,
 * a fresh database is created on that PostgreSQL server for each call and dropped at close.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pg from 'pg';
import { configFor, type Config } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { openRegistry, type Registry } from '../../server/bootstrap.ts';
import { createApp } from '../../server/app.ts';
import { MIGRATIONS_FOLDER } from '../../server/db/migrate.ts';
import { hashPassword } from '../../server/domain/users/passwords.ts';
import * as usersRepo from '../../server/domain/users/repository.ts';
import type { Role } from '../../server/context.ts';
import { ApiClient } from './http.ts';

export const ADMIN_PASSWORD = 'admin-password-123';
export const TEST_PASSWORD = 'test-password-123';
export const WARDS = ['26764', '26767', '26770', '26773', '26776', '26779', '26782', '26785', '26787', '26788', '26791'];

/** The PostgreSQL server the API tests also run against in CI (unset: PGlite only). */
export const TEST_DATABASE_URL = process.env.DATABASE_URL || '';
/**
 * A streaming replica of TEST_DATABASE_URL's server (issue 16; `npm run test:scale` runs the suite so): each test
 * database made on the primary is read through the same name on the replica.
 */
export const TEST_DATABASE_READ_URL = process.env.DATABASE_READ_URL || '';

/** The same server URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function migrationsHash(): string {
  const h = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const f of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else h.update(f).update(fs.readFileSync(p));
    }
  };
  walk(MIGRATIONS_FOLDER);
  // The bootstrap seed is part of the template too.
  h.update(fs.readFileSync(new URL('../../server/bootstrap.ts', import.meta.url)));
  return h.digest('hex').slice(0, 16);
}

let templatePromise: Promise<Blob> | null = null;
async function pgliteTemplate(): Promise<Blob> {
  templatePromise ??= (async () => {
    const cacheDir = path.resolve('node_modules/.cache/so-ho-ngheo');
    const file = path.join(cacheDir, `pglite-${migrationsHash()}.tar.gz`);
    if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
    const config = testConfig({});
    const registry = await openRegistry(config, createLogger({ logLevel: 'silent' }), { inMemory: true, announce: () => {} });
    const dump = (await registry.database.pglite!.dumpDataDir('gzip')) as Blob;
    await registry.close();
    fs.rmSync(config.dataDir, { recursive: true, force: true });
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, file);
    return dump;
  })();
  return templatePromise;
}

export function testConfig(overrides: Record<string, string>): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-test-'));
  return configFor({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_PASSWORD, PORT: '0', HOST: '127.0.0.1', ...overrides });
}

export async function freshPostgresDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `shn_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name} template template0 encoding 'UTF8'`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await c.query(`drop database if exists ${name} with (force)`);
            break;
          } catch (err) {
            // An autovacuum worker in the database (after a test's bulk writes) has no role a non-superuser may signal:
            // PostgreSQL 15 refuses WITH (FORCE) with 42501 "must be a member of the role whose process is being
            // terminated". The worker ends in a moment; try again.
            if ((err as { code?: string }).code !== '42501' || attempt >= 40) throw err;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}

/** Waits until a database exists on a replica (its CREATE DATABASE is replayed a moment after the primary's). */
async function untilConnects(url: string): Promise<void> {
  for (let i = 0; ; i++) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.end();
      return;
    } catch (err) {
      await c.end().catch(() => {});
      if (i >= 100) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export interface TestServer {
  baseUrl: string;
  registry: Registry;
  config: Config;
  engine: 'pglite' | 'postgres';
  /** An API client logged in (bearer token) as a new user with this role (and ward). */
  as(role: Role, wardCode?: string | null, username?: string): Promise<ApiClient>;
  /** Unauthenticated client. */
  anon(): ApiClient;
  admin(): Promise<ApiClient>;
  createUser(username: string, role: Role, wardCode?: string | null, password?: string): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Force an engine; by default PGlite, or PostgreSQL when DATABASE_URL is set for the test run. */
  engine?: 'pglite' | 'postgres';
  /** Where the server's log goes (with env LOG_LEVEL); by default the level is silent. */
  logSink?: NodeJS.WritableStream;
}

export async function startTestServer(opts: StartOptions = {}): Promise<TestServer> {
  const engine = opts.engine ?? (TEST_DATABASE_URL ? 'postgres' : 'pglite');
  let drop: (() => Promise<void>) | null = null;
  let registry: Registry;
  let config: Config;
  if (engine === 'postgres') {
    if (!TEST_DATABASE_URL) throw new Error('DATABASE_URL is not set for a postgres test');
    const fresh = await freshPostgresDatabase(TEST_DATABASE_URL);
    drop = fresh.drop;
    const readUrl: Record<string, string> = {};
    if (TEST_DATABASE_READ_URL) {
      readUrl.DATABASE_READ_URL = withDatabase(TEST_DATABASE_READ_URL, new URL(fresh.url).pathname.slice(1));
      await untilConnects(readUrl.DATABASE_READ_URL);
    }
    config = testConfig({ DATABASE_URL: fresh.url, ...readUrl, ...opts.env });
    registry = await openRegistry(config, createLogger(config, opts.logSink), { announce: () => {} });
  } else {
    const template = await pgliteTemplate();
    config = testConfig({ ...opts.env });
    registry = await openRegistry(config, createLogger(config, opts.logSink), { loadDataDir: template, announce: () => {} });
  }
  const app = createApp(registry.deps);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let counter = 0;
  const hashed = hashPassword(TEST_PASSWORD);

  const createUser: TestServer['createUser'] = async (username, role, wardCode = null, password) => {
    await usersRepo.insertUser(registry.deps.db, {
      username,
      role,
      wardCode: role === 'ward' ? wardCode : null,
      districtCode: role === 'admin' ? null : config.districtCode,
      passwordHash: password ? await hashPassword(password) : await hashed,
    });
  };
  const tokenClient = async (username: string, password: string) => {
    const anon = new ApiClient(baseUrl);
    const res = await anon.post('/api/auth/token', { username, password });
    if (res.status !== 200) throw new Error(`token for ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return new ApiClient(baseUrl, (res.body as { token: string }).token);
  };

  return {
    baseUrl,
    registry,
    config,
    engine,
    anon: () => new ApiClient(baseUrl),
    admin: () => tokenClient('admin', ADMIN_PASSWORD),
    createUser,
    async as(role, wardCode = null, username) {
      const name = username ?? `${role}-${wardCode ?? 'all'}-${++counter}`;
      await createUser(name, role, wardCode);
      return tokenClient(name, TEST_PASSWORD);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await registry.close();
      if (drop) await drop();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
