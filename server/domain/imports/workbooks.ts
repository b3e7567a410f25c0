/** The two workbooks the import area hands out: the template and the annotated copy of an upload. */
import fs from 'node:fs';
import type { Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { wardsInScope } from '../scope.ts';
import { importPaths } from './files.ts';
import { indicatorColumns } from './indicators.ts';
import { runAnnotate } from './runner.ts';
import { getImport } from './service.ts';
import { buildTemplate } from './template.ts';

/** Template for the actor: ward dropdown limited to the wards in their scope. */
export async function templateWorkbook(ctx: Ctx): Promise<Buffer> {
  const wards = await wardsInScope(ctx.db, ctx.actor, ctx.config.districtCode);
  const { indicators } = await indicatorColumns(ctx.db, ctx.config);
  return buildTemplate({ wards, indicators });
}

/** Path of the annotated workbook of an import, written (in the child process) on first request. */
export async function annotatedWorkbook(ctx: Ctx, id: string): Promise<{ path: string; fileName: string }> {
  const record = await getImport(ctx, id);
  const paths = importPaths(ctx.config.dataDir, record.id);
  if (!['validated', 'committing', 'committed'].includes(record.status) || !fs.existsSync(paths.upload)) {
    throw new AppError('IMPORT_NOT_READY', 409, { vi: 'Tệp chưa được kiểm tra xong', en: 'The file has not been validated yet' });
  }
  if (!fs.existsSync(paths.annotated)) {
    const outcome = await runAnnotate(
      { file: paths.upload, errorsFile: paths.errors, warningsFile: paths.warnings, sheetsFile: paths.sheets, out: paths.annotated },
      { memoryMb: ctx.config.importMemoryMb, timeoutSeconds: ctx.config.importTimeoutSeconds },
    );
    if (!outcome.ok) throw new AppError(outcome.failure.code, 500, outcome.failure.message);
  }
  const base = record.fileName.replace(/\.xlsx$/i, '');
  return { path: paths.annotated, fileName: `${base}-loi.xlsx` };
}
