/**
 * The import flow: upload → parse and validate off the request path (child process) → dry-run summary → commit in
 * one transaction. State lives in the `imports` table; files and parsed rows in config.dataDir/imports/<id>/.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../context.ts';
import { inTransaction } from '../../db/tx.ts';
import { AppError, errors, loggableError } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import { wardInScope } from '../scope.ts';
import { listWards } from '../units/repository.ts';
import { cleanText } from '../text.ts';
import { applyRows, applyRowsWith, type RowSource } from './apply.ts';
import { refreshStatistics } from '../../db/maintenance.ts';
import { failures, type ImportFailure } from './failures.ts';
import { importPaths, readNdjson, readNdjsonBatches } from './files.ts';
import { indicatorColumns } from './indicators.ts';
import * as repo from './repository.ts';
import type { RowContext } from './row-rules.ts';
import { runParser } from './runner.ts';
import type { ImportError, ImportSummary } from './types.ts';
import { DEFAULT_LIMITS } from './zip-check.ts';

/** Errors kept in the JSON answer; the annotated workbook has all of them. */
export const ERRORS_IN_JSON = 200;
const PARALLEL_JOBS = 2;

const runningByUser = new Map<string, string>();
let activeJobs = 0;
const waiting: (() => void)[] = [];

async function slot(): Promise<() => void> {
  if (activeJobs >= PARALLEL_JOBS) await new Promise<void>((resolve) => waiting.push(resolve));
  activeJobs++;
  return () => {
    activeJobs--;
    waiting.shift()?.();
  };
}

const m = (vi: string, en: string) => ({ vi, en });
const tooMany = () => errors.tooManyRequests(m('Bạn đang có một lượt nhập chưa xong; hãy chờ nó kết thúc', 'You already have an import running; wait for it to finish'));

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('sha256');
    fs.createReadStream(file).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

async function guardUser(ctx: Ctx): Promise<void> {
  if (runningByUser.has(ctx.actor.userId) || (await repo.hasRunningImport(ctx.db, ctx.actor.userId))) throw tooMany();
  runningByUser.set(ctx.actor.userId, 'starting');
}

export interface Upload {
  path: string;
  originalName: string;
}

/** Registers the upload and starts validating it; `done` settles when the import is validated or failed. */
export async function startImport(ctx: Ctx, upload: Upload): Promise<{ id: string; done: Promise<void> }> {
  try {
    await guardUser(ctx);
  } catch (err) {
    fs.rmSync(upload.path, { force: true });
    throw err;
  }
  try {
    const stat = fs.statSync(upload.path);
    const record = await repo.insertImport(ctx.db, {
      userId: ctx.actor.userId,
      username: ctx.actor.username,
      wardCode: ctx.actor.role === 'ward' ? ctx.actor.wardCode : null,
      fileName: cleanText(path.basename(upload.originalName || 'upload.xlsx')).slice(0, 255) || 'upload.xlsx',
      sha256: await sha256File(upload.path),
      sizeBytes: stat.size,
      status: 'queued',
    });
    const paths = importPaths(ctx.config.dataDir, record.id);
    fs.mkdirSync(paths.dir, { recursive: true });
    fs.renameSync(upload.path, paths.upload);
    runningByUser.set(ctx.actor.userId, record.id);
    const done = validateImport(ctx, record.id).finally(() => runningByUser.delete(ctx.actor.userId));
    return { id: record.id, done };
  } catch (err) {
    runningByUser.delete(ctx.actor.userId);
    fs.rmSync(upload.path, { force: true });
    throw err;
  }
}

/** What the parser must know besides the file: wards, the actor's scope, the indicator columns. */
async function rowContext(ctx: Ctx): Promise<RowContext> {
  const wards = (await listWards(ctx.db)).map((w) => ({ code: w.code, name: w.name, districtCode: w.districtCode }));
  const { indicators, indicatorsByRound } = await indicatorColumns(ctx.db, ctx.config);
  return {
    wards,
    allowedWards: wards.filter((w) => wardInScope(ctx.actor, w)).map((w) => w.code),
    indicators,
    indicatorsByRound,
    roundMin: ctx.config.roundMin,
    roundMax: ctx.config.roundMax,
    currentYear: new Date().getFullYear(),
  };
}

export function fileSource(file: string, batchSize = 2000): RowSource {
  return { batches: () => readNdjsonBatches(file, batchSize) };
}

async function firstErrors(file: string, n: number): Promise<ImportError[]> {
  const out: ImportError[] = [];
  for await (const e of readNdjson<ImportError>(file)) {
    out.push(e);
    if (out.length >= n) break;
  }
  return out;
}

async function fail(ctx: Ctx, id: string, failure: ImportFailure): Promise<void> {
  await repo.updateImport(ctx.db, id, { status: 'failed', failure });
}

async function validateImport(ctx: Ctx, id: string): Promise<void> {
  const release = await slot();
  const paths = importPaths(ctx.config.dataDir, id);
  let progressWrite = Promise.resolve();
  try {
    await repo.transition(ctx.db, id, 'queued', 'parsing');
    let last = 0;
    const outcome = await runParser(
      { file: paths.upload, rowsFile: paths.rows, errorsFile: paths.errors, sheetsFile: paths.sheets, ctx: await rowContext(ctx), limits: { ...DEFAULT_LIMITS, maxUncompressedBytes: ctx.config.importMaxUncompressedMb * 1048576 } },
      {
        memoryMb: ctx.config.importMemoryMb,
        timeoutSeconds: ctx.config.importTimeoutSeconds,
        onProgress: (processedRows, totalRows) => {
          if (Date.now() - last < 1000) return;
          last = Date.now();
          progressWrite = progressWrite.then(() => repo.updateImport(ctx.db, id, { progress: { processedRows, totalRows } })).catch(() => {});
        },
      },
    );
    await progressWrite;
    if (!outcome.ok) {
      // The parser's detail text may quote cells of the file: only the failure code is logged.
      if (outcome.detail) ctx.logger.warn({ importId: id, code: outcome.failure.code }, 'import parse failed');
      return await fail(ctx, id, outcome.failure);
    }
    const r = outcome.result;
    const plan = await applyRows(ctx, fileSource(paths.rows), { mode: 'dry' });
    const summary: ImportSummary = { rows: r.rows, valid: r.valid, invalid: r.invalid, ...plan };
    await repo.updateImport(ctx.db, id, {
      status: 'validated',
      summary,
      progress: { processedRows: r.processedRows, totalRows: r.processedRows },
      errors: await firstErrors(paths.errors, ERRORS_IN_JSON),
      errorCount: r.errorCount,
    });
  } catch (err) {
    ctx.logger.error({ importId: id, err: loggableError(err) }, 'import validation failed');
    await fail(ctx, id, err instanceof AppError ? { code: err.code, message: err.messages } : failures.parserCrashed()).catch(() => {});
  } finally {
    release();
  }
}

export async function getImport(ctx: Ctx, id: string): Promise<repo.ImportRecord> {
  const record = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findImport(ctx.db, ctx.actor, id) : null;
  if (!record) throw errors.notFound('import');
  return record;
}

export async function listImports(ctx: Ctx, page: number, pageSize: number) {
  return repo.listImports(ctx.db, ctx.actor, page, pageSize);
}

/**
 * Applies the valid rows in one transaction (all or nothing), in the background; `done` settles when committed or
 * failed. Invalid rows are never applied, and their presence needs an explicit skipInvalid.
 */
export async function commitImport(ctx: Ctx, id: string, opts: { skipInvalid?: boolean }): Promise<{ id: string; done: Promise<void> }> {
  const record = await getImport(ctx, id);
  if (record.status !== 'validated') {
    throw new AppError('IMPORT_NOT_READY', 409, m('Lượt nhập chưa kiểm tra xong hoặc đã được ghi', 'The import is not validated, or was already committed'));
  }
  const summary = record.summary as ImportSummary;
  if (summary.invalid > 0 && !opts.skipInvalid) {
    throw new AppError('INVALID_ROWS', 409, m(`Tệp có ${summary.invalid} dòng lỗi; sửa tệp hoặc gửi skipInvalid: true để bỏ qua các dòng lỗi`, `The file has ${summary.invalid} invalid rows; fix it or send skipInvalid: true to leave them out`), [
      { path: 'skipInvalid', code: 'INVALID_ROWS', message: m('Cần xác nhận bỏ qua dòng lỗi', 'Confirm leaving the invalid rows out') },
    ]);
  }
  await guardUser(ctx);
  if (!(await repo.transition(ctx.db, id, 'validated', 'committing', { skipInvalid: Boolean(opts.skipInvalid) }))) {
    runningByUser.delete(ctx.actor.userId);
    throw new AppError('IMPORT_NOT_READY', 409, m('Lượt nhập đang được ghi', 'The import is already being committed'));
  }
  runningByUser.set(ctx.actor.userId, id);
  const done = runCommit(ctx, id, summary).finally(() => runningByUser.delete(ctx.actor.userId));
  return { id, done };
}

const STATISTICS_REFRESH_ROWS = 1000;

async function runCommit(ctx: Ctx, id: string, validated: ImportSummary): Promise<void> {
  const release = await slot();
  const paths = importPaths(ctx.config.dataDir, id);
  try {
    let changed = 0;
    await inTransaction(ctx.db, async (tx) => {
      const applied = await applyRowsWith(tx, ctx, fileSource(paths.rows), { importId: id });
      changed = applied.households.new + applied.households.updated + applied.assessments.new + applied.assessments.updated;
      const summary: ImportSummary = { ...validated, ...applied };
      await repo.updateImport(tx, id, { status: 'committed', summary, committedAt: new Date() });
      // A re-import that changes nothing leaves no audit trace at all (issue 5).
      if (applied.households.new + applied.households.updated + applied.assessments.new + applied.assessments.updated > 0) {
        await recordAudit(tx, ctx, { action: 'import', entity: 'import', entityId: id, meta: { households: applied.households, assessments: applied.assessments } });
      }
    });
    // Committed: the user may start the next import now, not only after the statistics refresh below.
    runningByUser.delete(ctx.actor.userId);
    // Large loads change the tables' shape: refresh the planner's statistics (PGlite never does it by itself).
    if (changed >= STATISTICS_REFRESH_ROWS) await refreshStatistics(ctx.db).catch(() => {});
  } catch (err) {
    ctx.logger.error({ importId: id, err: loggableError(err) }, 'import commit failed');
    await fail(ctx, id, {
      code: 'COMMIT_FAILED',
      message: m('Ghi dữ liệu thất bại; sổ hộ không thay đổi. Hãy tải tệp lên lại', 'Writing failed; the registry is unchanged. Upload the file again'),
    }).catch(() => {});
  } finally {
    release();
  }
}

/** Marks imports a previous process left running as failed (their transaction never committed). */
export async function failInterruptedImports(ctx: Pick<Ctx, 'db'>): Promise<number> {
  return repo.failRunningImports(ctx.db, failures.interrupted());
}
