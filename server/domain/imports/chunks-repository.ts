/**
 * SQL of `import_chunks`: an uncommitted import's bytes (upload, parsed rows as NDJSON, annotated workbook) kept in
 * the database in chunks of ≤ 1 MiB, so any app instance can read them (issue 16), written and read one chunk at a
 * time so neither a 25 MB upload nor 100k parsed rows sit whole in the API's memory.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { queryRows } from '../../db/client.ts';

export type ChunkKind = 'upload' | 'rows' | 'annotated';

export const CHUNK_BYTES = 1 << 20;

const asBuffer = (v: Buffer | Uint8Array): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));

/** Re-cuts a byte stream into CHUNK_BYTES pieces. */
async function* rechunk(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const piece of source) {
    let buf = typeof piece === 'string' ? Buffer.from(piece) : asBuffer(piece);
    while (size + buf.length >= CHUNK_BYTES) {
      const take = CHUNK_BYTES - size;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts);
      buf = buf.subarray(take);
      parts = [];
      size = 0;
    }
    if (buf.length) {
      parts.push(buf);
      size += buf.length;
    }
  }
  if (size) yield Buffer.concat(parts);
}

/** Stores a file (or any byte stream) as the chunks of one kind, replacing what the import held of that kind. */
export async function writeChunks(exec: Executor, importId: string, kind: ChunkKind, source: string | AsyncIterable<Buffer | Uint8Array | string>): Promise<number> {
  await deleteChunks(exec, importId, [kind]);
  const input = typeof source === 'string' ? fs.createReadStream(source, { highWaterMark: 256 * 1024 }) : source;
  let seq = 0;
  let bytes = 0;
  for await (const chunk of rechunk(input)) {
    await exec.execute(sql`insert into import_chunks (import_id, kind, seq, data) values (${importId}, ${kind}, ${seq++}, ${chunk})`);
    bytes += chunk.length;
    await new Promise((resolve) => setImmediate(resolve)); // see readChunks
  }
  return bytes;
}

/** The chunks of one kind in order, one query per chunk (bounded memory). */
export async function* readChunks(exec: Executor, importId: string, kind: ChunkKind): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const [row] = await queryRows<{ data: Buffer | Uint8Array }>(exec, sql`select data from import_chunks where import_id = ${importId} and kind = ${kind} and seq = ${seq}`);
    if (!row) return;
    yield asBuffer(row.data);
    // PGlite answers without real I/O, so a loop of awaited queries never lets the event loop run: a 10k-row commit
    // held the API for 20 s. Give other requests their turn between chunks.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Copies one kind to a file created 0600 (the parser child reads files, not the database). */
export async function chunksToFile(exec: Executor, importId: string, kind: ChunkKind, file: string): Promise<number> {
  const out = fs.createWriteStream(file, { mode: 0o600, flags: 'wx' });
  let bytes = 0;
  try {
    for await (const chunk of readChunks(exec, importId, kind)) {
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return bytes;
}

export async function hasChunks(exec: Executor, importId: string, kind: ChunkKind): Promise<boolean> {
  const rows = await queryRows(exec, sql`select 1 from import_chunks where import_id = ${importId} and kind = ${kind} limit 1`);
  return rows.length > 0;
}

export async function deleteChunks(exec: Executor, importId: string, kinds: ChunkKind[] = ['upload', 'rows', 'annotated']): Promise<void> {
  await exec.execute(sql`delete from import_chunks where import_id = ${importId} and kind in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})`);
}

/** Splits NDJSON chunks back into values (a line may straddle two chunks). */
export async function* ndjsonValues<T>(chunks: AsyncIterable<Buffer>): AsyncGenerator<T> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line) yield JSON.parse(line) as T;
  }
  rest += decoder.decode();
  if (rest) yield JSON.parse(rest) as T;
}
