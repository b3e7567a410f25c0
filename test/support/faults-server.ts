/**
 * The real server (`node --import tsx server/main.ts`) as a child process, for the tests that kill it: a PGlite data
 * folder (restarted on the same folder, taking over the stale lock) or a fresh PostgreSQL database when DATABASE_URL
 * is set. Only processes started here are ever signalled, each by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from './http.ts';
import { ADMIN_PASSWORD, TEST_DATABASE_URL, freshPostgresDatabase } from './server.ts';
import { childrenOf } from './faults.ts';

export interface ServerStore {
  dataDir: string;
  /** PostgreSQL database of this store (null: PGlite in dataDir/pgdata). */
  databaseUrl: string | null;
  dispose(): Promise<void>;
}

/** A fresh place for a server's data: a temp folder, plus a fresh database when the run targets PostgreSQL. */
export async function freshStore(): Promise<ServerStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-faults-'));
  const pgdb = TEST_DATABASE_URL ? await freshPostgresDatabase(TEST_DATABASE_URL) : null;
  return {
    dataDir,
    databaseUrl: pgdb?.url ?? null,
    async dispose() {
      await pgdb?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ServerProcess {
  pid: number;
  baseUrl: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL the server (and, afterwards, the parser children it left behind). */
  kill(): Promise<void>;
  /** SIGTERM: the server closes its database and exits 0. */
  stop(): Promise<void>;
  admin(): Promise<ApiClient>;
  log(): string;
}

const alive = new Set<ServerProcess>();
process.on('exit', () => {
  for (const s of alive) s.child.kill('SIGKILL');
});

/** Starts the server on `store` and resolves once it listens (the port is read from its start-up log line). */
export async function startServerProcess(store: ServerStore, env: Record<string, string> = {}, timeoutMs = 90_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      DATA_DIR: store.dataDir,
      DATABASE_URL: store.databaseUrl ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_PASSWORD,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = () => {
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${e.code ?? e.signal}) before listening:\n${out}`));
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    pid: child.pid!,
    baseUrl,
    child,
    exited,
    async kill() {
      const kids = childrenOf(child.pid!);
      child.kill('SIGKILL');
      await exited;
      alive.delete(server);
      for (const pid of kids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    },
    async stop() {
      child.kill('SIGTERM');
      const r = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000))]);
      if (!r) await server.kill();
      alive.delete(server);
    },
    async admin() {
      const res = await new ApiClient(baseUrl).post('/api/auth/token', { username: 'admin', password: ADMIN_PASSWORD });
      if (res.status !== 200) throw new Error(`admin token: ${res.status} ${JSON.stringify(res.body)}`);
      return new ApiClient(baseUrl, res.body.token);
    },
    log: () => out,
  };
  alive.add(server);
  return server;
}
