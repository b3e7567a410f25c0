/** The two workbooks the import area hands out: the template and the annotated copy of an upload. */
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../context.ts';
import { inTransaction } from '../../db/tx.ts';
import { AppError } from '../../errors.ts';
import { wardsInScope } from '../scope.ts';
import { chunksToFile, hasChunks, readChunks, writeChunks } from './chunks-repository.ts';
import { jobTmpDir, NdjsonWriter } from './files.ts';
import { indicatorColumns } from './indicators.ts';
import { lockStatus, type ImportRecord } from './repository.ts';
import { getImport } from './service.ts';
import { annotate } from './validate.ts';
import type { ImportError } from './types.ts';
import { buildTemplate } from './template.ts';

/** Template for the actor: ward dropdown limited to the wards in their scope. */
export async function templateWorkbook(ctx: Ctx): Promise<Buffer> {
  const wards = await wardsInScope(ctx.db, ctx.actor, ctx.config.districtCode);
  const { indicators } = await indicatorColumns(ctx.db, ctx.config);
  return buildTemplate({ wards, indicators });
}

const gone = () =>
  new AppError('IMPORT_DATA_DELETED', 410, {
    vi: 'Tệp của lượt nhập này đã được xoá (đã ghi vào sổ, bị huỷ hoặc quá hạn lưu); chỉ còn bản tóm tắt và danh sách lỗi',
    en: "This import's files were deleted (committed, discarded or expired); only its summary and error list remain",
  });

/**
 * The annotated workbook of an uncommitted import, from the database: stored at validation when the file had more
 * errors than the record keeps, otherwise written now (in the child process) from the upload and the stored errors,
 * then kept until the import is committed, discarded or swept. Any instance can serve it.
 */
export async function annotatedWorkbook(ctx: Ctx, id: string): Promise<{ chunks: AsyncIterable<Buffer>; fileName: string }> {
  const record = await getImport(ctx, id);
  if (record.status !== 'validated') {
    if (record.purgedAt) throw gone();
    throw new AppError('IMPORT_NOT_READY', 409, { vi: 'Tệp chưa được kiểm tra xong', en: 'The file has not been validated yet' });
  }
  if (!(await hasChunks(ctx.db, id, 'annotated'))) await writeAnnotated(ctx, record);
  const base = record.fileName.replace(/\.xlsx$/i, '');
  return { chunks: readChunks(ctx.db, id, 'annotated'), fileName: `${base}-loi.xlsx` };
}

async function writeAnnotated(ctx: Ctx, record: ImportRecord): Promise<void> {
  const dir = jobTmpDir(ctx.config.dataDir);
  const file = (name: string) => path.join(dir, name);
  try {
    await chunksToFile(ctx.db, record.id, 'upload', file('upload.xlsx'));
    const errorsOut = new NdjsonWriter(file('errors.ndjson'));
    for (const e of (record.errors as ImportError[]) ?? []) await errorsOut.write(e);
    await errorsOut.close();
    const warningsOut = new NdjsonWriter(file('warnings.ndjson'));
    for (const w of (record.summary as { warnings?: ImportError[] } | null)?.warnings ?? []) await warningsOut.write(w);
    await warningsOut.close();
    fs.writeFileSync(file('sheets.json'), JSON.stringify(record.sheets ?? []), { mode: 0o600 });
    const out = await annotate(ctx, { file: file('upload.xlsx'), errorsFile: file('errors.ndjson'), warningsFile: file('warnings.ndjson'), sheetsFile: file('sheets.json'), out: file('annotated.xlsx') });
    fs.rmSync(file('upload.xlsx'), { force: true });
    // Two instances may write it at once: the row lock makes the second keep the first's copy.
    await inTransaction(ctx.db, async (tx) => {
      if (!(await lockStatus(tx, record.id, 'validated'))) throw gone();
      if (!(await hasChunks(tx, record.id, 'annotated'))) await writeChunks(tx, record.id, 'annotated', out);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
