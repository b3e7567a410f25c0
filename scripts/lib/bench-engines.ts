/**
 * The engines a benchmark runs on: PGlite (a fresh data folder per server) always, PostgreSQL when DATABASE_URL is
 * set (a fresh database per measurement on that server, dropped at the end).
 */
import crypto from 'node:crypto';
import pg from 'pg';

export interface Engine {
  name: 'pglite' | 'postgres';
  /** The server's base URL (PostgreSQL) or null (PGlite). */
  databaseUrl: string | null;
  /** A new empty database on the server; its URL. */
  freshDatabase(label: string): Promise<string>;
  /** A named database kept between runs (created when missing); its URL. */
  keptDatabase(name: string): Promise<string>;
  /** Drops every database this engine created. */
  cleanup(): Promise<void>;
}

export function pgliteEngine(): Engine {
  return { name: 'pglite', databaseUrl: null, freshDatabase: async () => Promise.reject(new Error('PGlite uses folders')), keptDatabase: async () => Promise.reject(new Error('PGlite uses folders')), cleanup: async () => {} };
}

export function postgresEngine(baseUrl: string): Engine {
  const created: string[] = [];
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>) => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const urlOf = (name: string) => {
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    name: 'postgres',
    databaseUrl: baseUrl,
    async keptDatabase(label) {
      const name = `shn_bench_${label.replace(/[^a-z0-9_]/g, '')}`;
      await admin(async (c) => {
        await c.query(`drop database if exists ${name} with (force)`);
        await c.query(`create database ${name} template template0 encoding 'UTF8'`);
      });
      return urlOf(name);
    },
    async freshDatabase(label) {
      const name = `shn_bench_${label.replace(/[^a-z0-9]/g, '')}_${crypto.randomBytes(4).toString('hex')}`;
      await admin((c) => c.query(`create database ${name} template template0 encoding 'UTF8'`));
      created.push(name);
      return urlOf(name);
    },
    /** Never throws: a benchmark's results matter more than a leftover scratch database (named in the warning). */
    async cleanup() {
      for (const name of created.splice(0)) {
        // An autovacuum worker (a superuser backend) on a freshly loaded database cannot be terminated by FORCE: retry.
        for (let attempt = 1; ; attempt++) {
          try {
            await admin((c) => c.query(`drop database if exists ${name} with (force)`));
            break;
          } catch (err) {
            if (attempt >= 30) {
              process.stderr.write(`warning: could not drop scratch database ${name}: ${(err as Error).message}\n`);
              break;
            }
            await new Promise((r) => setTimeout(r, 2000));
          }
        }
      }
    },
  };
}
