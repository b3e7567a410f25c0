/**
 * Workbook fixtures for the import tests: small survey workbooks built with exceljs, the generated large ones
 * (scripts/lib/survey-workbook.ts), and hostile files written byte by byte (a tiny zip writer) so each hazard is
 * exactly what the test says: not a zip, a truncated zip, a zip bomb, a million declared rows, whole-column validation.
 */
import zlib from 'node:zlib';
import { expect } from 'chai';
import type { CellValue } from 'exceljs';
import ExcelJS from '../../server/domain/imports/exceljs.ts';
import { generatedRow, seedIndicators, surveyHeaders } from '../../scripts/lib/survey-workbook.ts';
import type { ApiClient } from './http.ts';

export { generatedRow, seedIndicators, surveyHeaders, writeSurveyWorkbook } from '../../scripts/lib/survey-workbook.ts';

export interface SheetSpec {
  name: string;
  rows: unknown[][];
  /** 1-based row where `rows` start (title rows above may be merged cells). */
  startRow?: number;
  merges?: string[];
  /** Columns (1-based) formatted as text. */
  textColumns?: number[];
}

export async function workbookBuffer(sheets: SheetSpec[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const c of s.textColumns ?? []) ws.getColumn(c).numFmt = '@';
    s.rows.forEach((values, i) => {
      const row = ws.getRow((s.startRow ?? 1) + i);
      values.forEach((v, j) => {
        if (v !== undefined && v !== null) row.getCell(j + 1).value = v as CellValue;
      });
    });
    for (const m of s.merges ?? []) ws.mergeCells(m);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const DEFAULTS = { wards: ['26764', '26767'], indicators: seedIndicators(), variant: 0, codePrefix: 'T' };

/** Header + `n` valid generated rows (households 0..n-1, one round each). */
export function surveyRows(n: number, opts: { round?: number; wards?: string[]; variant?: number; codePrefix?: string } = {}): unknown[][] {
  const o = { ...DEFAULTS, ...opts };
  const rows: unknown[][] = [surveyHeaders()];
  for (let i = 0; i < n; i++) rows.push(generatedRow(i, opts.round ?? 2017, o));
  return rows;
}

/** Column index (0-based) of a header in surveyHeaders(). */
export const col = (label: string) => surveyHeaders().indexOf(label);

export async function uploadWorkbook(client: ApiClient, data: Buffer | Uint8Array, name = 'phieu-ra-soat.xlsx') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)]), name);
  return client.post('/api/imports', form);
}

/** Uploads a workbook (asserting 202) and waits until it is validated or failed. */
export async function importFile(client: ApiClient, data: Buffer | Uint8Array, name?: string): Promise<any> {
  const res = await uploadWorkbook(client, data, name);
  expect(res.status, JSON.stringify(res.body)).to.equal(202);
  return waitForImport(client, res.body.id);
}

/** Asks for an import's commit (asserting 202) and waits until it is committed or failed. */
export async function commitAndWait(client: ApiClient, id: string, body: unknown = {}): Promise<any> {
  const res = await client.post(`/api/imports/${id}/commit`, body);
  expect(res.status, JSON.stringify(res.body)).to.equal(202);
  return waitForImport(client, id);
}

/** Polls an import until it leaves the running states. */
export async function waitForImport(client: ApiClient, id: string, timeoutMs = 120_000): Promise<any> {
  const start = Date.now();
  for (;;) {
    const res = await client.get(`/api/imports/${id}`);
    if (res.status !== 200) throw new Error(`GET import ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    if (!['queued', 'parsing', 'committing'].includes(res.body.status)) return res.body;
    if (Date.now() - start > timeoutMs) throw new Error(`import ${id} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ── Hand-made zips ──────────────────────────────────────────────────────────────────────────────────────────
interface ZipEntry {
  name: string;
  data?: Buffer;
  /** Stream this many zero bytes instead of `data` (zip bombs), deflated chunk by chunk. */
  zeros?: number;
  /** Lie about the uncompressed size in the headers. */
  declaredSize?: number;
}

function deflated(e: ZipEntry): { body: Buffer; crc: number; size: number } {
  if (e.data) return { body: zlib.deflateRawSync(e.data), crc: zlib.crc32(e.data), size: e.data.length };
  // Non-final deflate pieces (sync-flushed) can be concatenated; one final empty block closes the stream.
  const chunk = Buffer.alloc(1 << 20);
  const piece = zlib.deflateRawSync(chunk, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const parts: Buffer[] = [];
  let crc = 0;
  for (let left = e.zeros!; left > 0; left -= chunk.length) {
    if (left < chunk.length) throw new Error('zeros must be a multiple of 1 MiB');
    crc = zlib.crc32(chunk, crc);
    parts.push(piece);
  }
  parts.push(zlib.deflateRawSync(Buffer.alloc(0)));
  return { body: Buffer.concat(parts), crc, size: e.zeros! };
}

export function zipOf(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const { body, crc, size } = deflated(e);
    const declared = e.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(declared, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(cd, name);
    offset += local.length + name.length + body.length;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

const xml = (s: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${s}`, 'utf8');
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A minimal one-sheet .xlsx whose sheet XML is given (plus extra entries; `sheetPath` moves the sheet's zip entry). */
export function minimalXlsx(sheetXml: string, extra: ZipEntry[] = [], sheetPath = 'xl/worksheets/sheet1.xml'): Buffer {
  return zipOf([
    {
      name: '[Content_Types].xml',
      data: xml(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
    },
    { name: '_rels/.rels', data: xml(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    { name: 'xl/workbook.xml', data: xml(`<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Hộ" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    { name: 'xl/_rels/workbook.xml.rels', data: xml(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`) },
    { name: sheetPath, data: xml(sheetXml) },
    ...extra,
  ]);
}

const cell = (ref: string, v: string) => `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
const headerXml = `<row r="1">${cell('A1', 'Mã phường')}${cell('B1', 'Mã hộ')}${cell('C1', 'Họ tên chủ hộ')}</row>`;

export const hostile = {
  notAZip: () => Buffer.from('Họ tên,Mã hộ\nNguyễn Văn A,1\n', 'utf8'),
  truncated: (valid: Buffer) => valid.subarray(0, Math.floor(valid.length / 2)),
  /** 300 MB of zeros in one sheet entry (~300 KB compressed); `lie` declares a tiny size. */
  zipBomb: (lie = false) => minimalXlsx(`<worksheet xmlns="${MAIN}"><sheetData>${headerXml}</sheetData></worksheet>`, [{ name: 'xl/media/blob.bin', zeros: 300 * 1048576, declaredSize: lie ? 1000 : undefined }]),
  millionRows: () => minimalXlsx(`<worksheet xmlns="${MAIN}"><dimension ref="A1:C1000000"/><sheetData>${headerXml}</sheetData></worksheet>`),
  wholeColumnValidation: () =>
    minimalXlsx(
      `<worksheet xmlns="${MAIN}"><sheetData>${headerXml}</sheetData><dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="A1:A1048576"><formula1>"a,b"</formula1></dataValidation></dataValidations></worksheet>`,
    ),
};
