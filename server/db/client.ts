import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Pool } from 'pg';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { sql, type ExtractTablesWithRelations } from 'drizzle-orm';
import * as schema from './schema.ts';
import { acquireFolderLock, type FolderLock } from './lock.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a repository can run SQL on: the database or an open transaction. */
export type Executor = Db | Tx;
export type Engine = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  engine: Engine;
  /** The streaming replica of DATABASE_READ_URL (PostgreSQL only); null without one. */
  readDb: Db | null;
  /**
   * Runs `fn` while holding a PostgreSQL session advisory lock on a connection of its own, so that of several app
   * instances starting at once only one runs it and the others wait (migrations). PGlite is one process: no lock.
   */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PGlite only: the instance, for dumps in tests. */
  pglite?: PGlite;
}

/*
 * Both drivers must hand back the same JS types. pg returns int8 (count(*), bigint) and numeric as strings, PGlite
 * as numbers: map both to numbers (our bigints are money amounts in VND, far below 2^53). `date` stays 'YYYY-MM-DD'
 * on both, so no time zone shifts a survey date.
 */
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const BYTEA = 17;
const toNumber = (v: string) => (v === null ? null : Number(v));
const keep = (v: string) => v;
/**
 * PGlite's own bytea codec converts hex one byte at a time in JavaScript (Array.from(bytes).map(toString(16)) and
 * parseInt per byte pair): measured, 3.5 s of a 20,000-row import's API time went to the 1 MiB import chunks passing
 * through it. Node's native hex codec does the same conversion (the text format `\x…`) at memory speed.
 */
const byteaToText = (v: unknown) => {
  if (!(v instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
  return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
};
const byteaFromText = (v: string) => Buffer.from(v.slice(2), 'hex');

export interface OpenOptions {
  databaseUrl?: string | null;
  /** A read-only replica of databaseUrl (reports, lists, exports). */
  readUrl?: string | null;
  /** application_name of the connections (shows in pg_stat_activity). */
  applicationName?: string;
  /** PGlite data folder; 'memory' for an in-memory database (tests). */
  pgliteDir?: string;
  /** Start an in-memory PGlite from a dump (tests: skips initdb). */
  loadDataDir?: Blob;
  poolSize?: number;
  /** PGlite shared_buffers in MiB (PostgreSQL's default of 128 when absent). */
  pgliteSharedBuffersMb?: number;
}

/**
 * The PostgreSQL driver, loaded only when DATABASE_URL is set: the embedded server never needs it (~15 MiB of
 * resident memory, issue 14 goal 4). Drizzle's node-postgres driver passes its own per-query type parsers and falls
 * back to pg's global ones, so the pool option alone does not reach raw `db.execute()` queries: the mapping is
 * registered globally too, once, on the first load.
 */
let pgDriver: Promise<{ pg: typeof import('pg').default; drizzlePg: typeof import('drizzle-orm/node-postgres').drizzle }> | null = null;
function loadPgDriver() {
  pgDriver ??= (async () => {
    const [{ default: pg }, { drizzle: drizzlePg }] = await Promise.all([import('pg'), import('drizzle-orm/node-postgres')]);
    pg.types.setTypeParser(INT8, toNumber);
    pg.types.setTypeParser(NUMERIC, toNumber);
    return { pg, drizzlePg };
  })();
  return pgDriver;
}

/**
 * PGlite is PostgreSQL compiled to WebAssembly. V8 compiles each function quickly (Liftoff) and recompiles the ones
 * that get hot with its optimising compiler; during start-up so many functions crossed the default budget (1.8 M) that
 * the main thread then waited 400–500 ms on that compilation, right when the first request came in. A higher budget
 * (set before the module is instantiated) lets start-up run on the baseline code and tiers up only what stays hot:
 * first answer after a restart, 8 paired runs on the 2 × EPYC machine, median 2.6 → 2.1 s; list, search, report and
 * write figures of the demo district within their run-to-run spread; a 20,000-row PGlite import (validate + commit,
 * three runs each way) 22.8–30.8 s with it, 22.1–27.2 s without: within the spread, perhaps a little slower (issue 14,
 * docs/BENCHMARKS.md). A V8 without this flag refuses it, which is caught: the default tiering then.
 */
function tierUpLater(): void {
  try {
    v8.setFlagsFromString('--wasm-tiering-budget=10000000');
  } catch {
    /* an engine without the flag: the default tiering */
  }
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (!opts.databaseUrl) tierUpLater();
  if (opts.databaseUrl) {
    const { pg, drizzlePg } = await loadPgDriver();
    const pool = await openPool(pg, opts.databaseUrl, opts.poolSize, opts.applicationName);
    const readPool = opts.readUrl ? await openPool(pg, opts.readUrl, opts.poolSize, opts.applicationName && `${opts.applicationName}-read`).catch(async (err) => {
      await pool.end();
      throw err;
    }) : null;
    const db = drizzlePg({ client: pool, schema }) as unknown as Db;
    const readDb = readPool ? (drizzlePg({ client: readPool, schema }) as unknown as Db) : null;
    return {
      db,
      engine: 'postgres',
      readDb,
      async withAdvisoryLock(key, fn) {
        const client = await pool.connect();
        try {
          await client.query('select pg_advisory_lock($1)', [key]);
          return await fn();
        } finally {
          await client.query('select pg_advisory_unlock($1)', [key]).catch(() => {});
          client.release();
        }
      },
      close: async () => {
        await Promise.all([pool.end(), readPool?.end()]);
      },
    };
  }

  const dir = opts.pgliteDir ?? 'memory';
  let lock: FolderLock | null = null;
  if (dir !== 'memory') {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    lock = acquireFolderLock(dir);
  }
  try {
    const pglite = await PGlite.create(dir === 'memory' ? undefined : dir, {
      parsers: { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: keep, [BYTEA]: byteaFromText },
      serializers: { [BYTEA]: byteaToText },
      loadDataDir: opts.loadDataDir,
      // Trigram search on households.search_text, keyed by ward (migrations 0003, 0011); a server has both in its
      // contrib package.
      extensions: { pg_trgm, btree_gin },
      // A start parameter, not `postgresqlconf` (which rewrites the folder's postgresql.conf with only that line).
      startParams: opts.pgliteSharedBuffersMb ? [...PGlite.defaultStartParams, '-c', `shared_buffers=${opts.pgliteSharedBuffersMb}MB`] : undefined,
    });
    const db = drizzlePglite({ client: pglite, schema }) as unknown as Db;
    embedded.add(db);
    let closed = false;
    return {
      db,
      engine: 'pglite',
      readDb: null,
      withAdvisoryLock: (_key, fn) => fn(),
      pglite,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await pglite.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function openPool(pg: typeof import('pg').default, url: string, max = 10, applicationName?: string): Promise<Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: applicationName,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8 || oid === NUMERIC) return toNumber;
        if (oid === DATE) return keep;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // A server restart or a dropped database ends pooled connections ("terminating connection due to administrator
  // command"). pg emits that on the pool; unhandled, it would crash the process. The pool has already discarded the
  // client and the next query reconnects, so there is nothing to do, and the driver's message is not logged (it may
  // quote parameters: issue 13).
  pool.on('error', () => {});
  // Fail fast with a clear message instead of at the first request.
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return pool;
}

/** Rows of a raw query, the same shape on both drivers. */
export async function queryRows<T>(db: Executor, query: import('drizzle-orm').SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** PGlite databases (not their transactions): where queryRowsPacked packs rows. */
const embedded = new WeakSet<object>();

/** A setting object, so tests can read the same page both ways. */
export const PACKED_ROWS = { enabled: true };

/** Whether queryRowsPacked packs the rows of this executor. */
export function packsRows(db: Executor): boolean {
  return PACKED_ROWS.enabled && embedded.has(db);
}

/**
 * Rows of a raw query, packed into one JSON text on PGlite: its protocol parser decodes every field of every row on
 * its own (a buffer copy and a text decode each, about 1 µs a field), while one `json_agg` text is decoded once and
 * parsed by JSON.parse. Measured on a 50-row list page of 19 columns: 1.19 → 0.54 ms (with members 1.57 → 0.84 ms).
 * On a server the aggregation moves that work into the database process and is no cheaper in all (issue 14 notes),
 * so there, and inside a transaction, it is queryRows. `fields` are the query's column names, in the order each row
 * object gets them; `order` ([column, 'asc' | 'desc']) is the query's own ORDER BY, which the aggregate repeats
 * because an aggregate over a sorted subquery is not bound to keep its order. Values arrive as JSON: numbers, text,
 * JSON documents as they are; timestamps as ISO text (the caller converts them as it does a server's text).
 */
export async function queryRowsPacked<T>(db: Executor, query: import('drizzle-orm').SQL, fields: readonly string[], order: readonly (readonly [string, 'asc' | 'desc'])[]): Promise<T[]> {
  if (!packsRows(db)) return queryRows<T>(db, query);
  const quote = (f: string) => `q."${f.replace(/"/g, '""')}"`;
  const packed = sql.raw(`coalesce(json_agg(json_build_array(${fields.map(quote).join(', ')}) order by ${order.map(([f, d]) => `${quote(f)} ${d}`).join(', ')}), '[]')::text`);
  const [row] = await queryRows<{ rows: string }>(db, sql`select ${packed} as "rows" from (${query}) q`);
  const arrays = JSON.parse(row!.rows) as unknown[][];
  return arrays.map((values) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) o[fields[i]!] = values[i];
    return o as T;
  });
}
