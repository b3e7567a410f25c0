/** Reading exported workbooks back at the XML level: formula elements and text cells a spreadsheet could run. */
import yauzl from 'yauzl';
import ExcelJS from 'exceljs';

/** Every zip entry of a buffer, inflated. */
export function unzipEntries(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (d: Buffer) => parts.push(d));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** A text that starts like a formula (= + - @ tab CR): it must reach a workbook neutralised (leading apostrophe). */
export const FORMULA_START = /^[=+\-@\t\r]/;

export interface WorkbookScan {
  sheets: number;
  /** <f> elements in the sheet XML: cells a spreadsheet program would compute. */
  formulaElements: number;
  textCells: number;
  /** Text cells that begin like a formula without the neutralising apostrophe. */
  unneutralised: string[];
  /** Every text value, for looking values up. */
  texts: string[];
}

export async function scanWorkbook(buf: Buffer): Promise<WorkbookScan> {
  const entries = await unzipEntries(buf);
  let formulaElements = 0;
  let sheets = 0;
  for (const [name, data] of entries) {
    if (!/^xl\/worksheets\/[^/]+\.xml$/.test(name)) continue;
    sheets++;
    formulaElements += (data.toString('utf8').match(/<(?:\w+:)?f[\s>/]/g) ?? []).length;
  }
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const scan: WorkbookScan = { sheets, formulaElements, textCells: 0, unneutralised: [], texts: [] };
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const v = cell.value;
        if (typeof v !== 'string') return;
        scan.textCells++;
        scan.texts.push(v);
        if (FORMULA_START.test(v)) scan.unneutralised.push(`${ws.name}!${cell.address}: ${JSON.stringify(v).slice(0, 60)}`);
      }),
    ),
  );
  return scan;
}
