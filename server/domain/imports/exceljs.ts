/**
 * exceljs, with its XML chunk decoder fixed. exceljs 4.4.0 decodes every chunk of a zip entry on its own
 * (lib/utils/parse-sax.js → TextDecoder.decode(chunk) without `stream: true`), so a Vietnamese character split
 * between two chunks comes out as U+FFFD: "Thành thị" became "Thành th��" about once per 7,000 rows in our tests.
 * We register a streaming-decoder version of that module before exceljs loads; every reader (streaming or not)
 * then gets intact text. Import exceljs through this module wherever workbooks are read.
 */
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';

interface SaxParser {
  on(event: string, fn: (value: never) => void): void;
  write(text: string): void;
}

const require = createRequire(import.meta.url);
const parseSaxFile = require.resolve('exceljs/lib/utils/parse-sax.js');
const fromExceljs = createRequire(parseSaxFile);

async function* parseSax(iterable: AsyncIterable<Buffer | string> & { pipe?: unknown }) {
  const { SaxesParser } = fromExceljs('saxes') as { SaxesParser: new () => SaxParser };
  let source: AsyncIterable<Buffer | string> = iterable;
  if (typeof iterable.pipe === 'function' && !(Symbol.asyncIterator in iterable)) {
    source = (iterable as unknown as NodeJS.ReadableStream).pipe(new PassThrough()) as unknown as AsyncIterable<Buffer>;
  }
  const parser = new SaxesParser();
  const decoder = new TextDecoder('utf-8');
  let error: Error | undefined;
  let events: { eventType: string; value: unknown }[] = [];
  parser.on('error', (err: Error) => {
    error = err;
  });
  parser.on('opentag', (value: unknown) => events.push({ eventType: 'opentag', value }));
  parser.on('text', (value: unknown) => events.push({ eventType: 'text', value }));
  parser.on('closetag', (value: unknown) => events.push({ eventType: 'closetag', value }));
  for await (const chunk of source) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (error) throw error;
    yield events;
    events = [];
  }
  const rest = decoder.decode();
  if (rest) {
    parser.write(rest);
    if (error) throw error;
    yield events;
  }
}

if (!require.cache[parseSaxFile]) {
  const Module = require('node:module') as { new (id: string): NodeJS.Module };
  const m = new Module(parseSaxFile);
  m.filename = parseSaxFile;
  m.loaded = true;
  m.exports = parseSax;
  require.cache[parseSaxFile] = m;
}

const ExcelJS = require('exceljs') as typeof import('exceljs');
export default ExcelJS;
