/**
 * The import flow: upload → parse and validate off the request path (child process, on whichever instance claims
 * the job: jobs.ts) → dry-run summary → commit in one transaction. State, upload, parsed rows and annotated workbook
 * live in the database (issue 16); the data is deleted once the import is committed, fails, is discarded or expires,
 * leaving the record with its summary and first STORED_ERRORS errors (issue 13 item 3).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../context.ts';
import { inTransaction } from '../../db/tx.ts';
import { AppError, errors } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import { wardInScope } from '../scope.ts';
import { listWards } from '../units/repository.ts';
import { cleanText } from '../text.ts';
import { applyRows, applyRowsWith, type RowSource } from './apply.ts';
import { refreshStatistics } from '../../db/maintenance.ts';
import { failures } from './failures.ts';
import { chunksToFile, deleteChunks, ndjsonValues, readChunks, writeChunks } from './chunks-repository.ts';
import { jobTmpDir, readNdjson, readNdjsonBatches } from './files.ts';
import { indicatorColumns } from './indicators.ts';
import { jobsOf, NotOurJob } from './jobs.ts';
import * as repo from './repository.ts';
import type { RowContext } from './row-rules.ts';
import { runAnnotate, runParser } from './runner.ts';
import { RUNNING_STATUSES, type ImportError, type ImportRow, type ImportStatus, type ImportSummary } from './types.ts';
import { DEFAULT_LIMITS } from './zip-check.ts';

/** Row errors kept in the import record (and the JSON answer); the annotated workbook marks all of them. */
export const STORED_ERRORS = 1000;

/** Users between the "already running?" check and the insert of their import (one import at a time per user). */
const starting = new Set<string>();

const m = (vi: string, en: string) => ({ vi, en });
const tooMany = () => errors.tooManyRequests(m('Bạn đang có một lượt nhập chưa xong; hãy chờ nó kết thúc', 'You already have an import running; wait for it to finish'));
const overQuota = (mb: number) =>
  new AppError('IMPORT_QUOTA_EXCEEDED', 429, m(`Các lượt nhập chưa ghi của bạn đã chiếm quá ${mb} MB; hãy ghi hoặc huỷ bớt lượt nhập cũ`, `Your uncommitted imports already hold more than ${mb} MB; commit or discard older imports`));

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('sha256');
    fs.createReadStream(file).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

async function guardUser(ctx: Ctx): Promise<void> {
  if (starting.has(ctx.actor.userId) || (await repo.hasRunningImport(ctx.db, ctx.actor.userId))) throw tooMany();
  starting.add(ctx.actor.userId);
}

/** Settles when the import leaves the running states (on whichever instance runs it). */
async function settled(ctx: Ctx, id: string): Promise<void> {
  for (;;) {
    const status = await repo.statusOf(ctx.db, id);
    if (!status || !RUNNING_STATUSES.includes(status)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface Upload {
  /** A temporary file the service takes over (and deletes). */
  path: string;
  originalName: string;
}

/** Stores the upload in the database and queues it for validation; `done` settles when it is validated or failed. */
export async function startImport(ctx: Ctx, upload: Upload): Promise<{ id: string; done: Promise<void> }> {
  let guarded = false;
  try {
    await guardUser(ctx);
    guarded = true;
    const size = fs.statSync(upload.path).size;
    if ((await repo.storedUploadBytes(ctx.db, ctx.actor.userId)) + size > ctx.config.importQuotaBytes) {
      throw overQuota(Math.round(ctx.config.importQuotaBytes / 1048576));
    }
    const sha256 = await sha256File(upload.path);
    const record = await inTransaction(ctx.db, async (tx) => {
      const r = await repo.insertImport(tx, {
        userId: ctx.actor.userId,
        username: ctx.actor.username,
        wardCode: ctx.actor.role === 'ward' ? ctx.actor.wardCode : null,
        fileName: cleanText(path.basename(upload.originalName || 'upload.xlsx')).slice(0, 255) || 'upload.xlsx',
        sha256,
        sizeBytes: size,
        status: 'queued',
      });
      await writeChunks(tx, r.id, 'upload', upload.path);
      return r;
    });
    jobsOf(ctx.db).kick();
    return { id: record.id, done: settled(ctx, record.id) };
  } finally {
    if (guarded) starting.delete(ctx.actor.userId);
    fs.rmSync(upload.path, { force: true });
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

/** The parsed rows an import holds in the database, read chunk by chunk (inside the commit's transaction). */
function storedSource(exec: Ctx['db'], id: string, batchSize = 2000): RowSource {
  return {
    async *batches() {
      let batch: ImportRow[] = [];
      for await (const row of ndjsonValues<ImportRow>(readChunks(exec, id, 'rows'))) {
        batch.push(row);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
  };
}

async function firstErrors(file: string, n: number): Promise<ImportError[]> {
  const out: ImportError[] = [];
  for await (const e of readNdjson<ImportError>(file)) {
    out.push(e);
    if (out.length >= n) break;
  }
  return out;
}

/**
 * Validates a claimed import (jobs.ts runs this on the instance that claimed it): the upload is copied to a 0600
 * file in a private folder for the parser child, deleted right after parsing (and annotating, when there are more
 * errors than the record keeps), and the parsed rows go back to the database in the transaction that marks the
 * import validated — only while this instance still holds the claim.
 */
export async function validateImport(ctx: Ctx, record: repo.ImportRecord, instance: string): Promise<void> {
  const id = record.id;
  const jobs = jobsOf(ctx.db);
  const dir = jobTmpDir(ctx.config.dataDir);
  const file = (name: string) => path.join(dir, name);
  let progressWrite = Promise.resolve();
  try {
    await chunksToFile(ctx.db, id, 'upload', file('upload.xlsx'));
    let last = 0;
    const outcome = await runParser(
      { file: file('upload.xlsx'), rowsFile: file('rows.ndjson'), errorsFile: file('errors.ndjson'), sheetsFile: file('sheets.json'), ctx: await rowContext(ctx), limits: { ...DEFAULT_LIMITS, maxUncompressedBytes: ctx.config.importMaxUncompressedMb * 1048576 } },
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
      if (outcome.detail) ctx.logger.warn({ importId: id, code: outcome.failure.code, detail: outcome.detail }, 'import parse failed');
      return await jobs.fail(id, 'parsing', outcome.failure);
    }
    const r = outcome.result;
    // More errors than the record keeps: annotate now, while the full list exists (it is not stored).
    const annotated = r.errorCount > STORED_ERRORS ? await annotate(ctx, { file: file('upload.xlsx'), errorsFile: file('errors.ndjson'), sheetsFile: file('sheets.json'), out: file('annotated.xlsx') }) : null;
    fs.rmSync(file('upload.xlsx'), { force: true });
    const plan = await applyRows(ctx, fileSource(file('rows.ndjson')), { mode: 'dry' });
    const summary: ImportSummary = { rows: r.rows, valid: r.valid, invalid: r.invalid, ...plan };
    const storedErrors = await firstErrors(file('errors.ndjson'), STORED_ERRORS);
    const sheets = JSON.parse(fs.readFileSync(file('sheets.json'), 'utf8'));
    await inTransaction(ctx.db, async (tx) => {
      if (!(await repo.lockClaimed(tx, id, instance, 'parsing'))) throw new NotOurJob();
      await writeChunks(tx, id, 'rows', file('rows.ndjson'));
      if (annotated) await writeChunks(tx, id, 'annotated', annotated);
      await repo.updateImport(tx, id, {
        status: 'validated',
        summary,
        progress: { processedRows: r.processedRows, totalRows: r.processedRows },
        errors: storedErrors,
        errorCount: r.errorCount,
        sheets,
        claimedBy: null,
        heartbeatAt: null,
      });
    });
  } catch (err) {
    if (err instanceof NotOurJob) return void ctx.logger.info({ importId: id }, 'import no longer ours (discarded or taken over)');
    ctx.logger.error({ importId: id, err: { message: (err as Error)?.message } }, 'import validation failed');
    await jobs.fail(id, 'parsing', err instanceof AppError ? { code: err.code, message: err.messages } : failures.parserCrashed()).catch(() => {});
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the annotated workbook in the child process; returns its file. */
export async function annotate(ctx: Ctx, job: Parameters<typeof runAnnotate>[0]): Promise<string> {
  const outcome = await runAnnotate(job, { memoryMb: ctx.config.importMemoryMb, timeoutSeconds: ctx.config.importTimeoutSeconds });
  if (!outcome.ok) throw new AppError(outcome.failure.code, 500, outcome.failure.message);
  return job.out;
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
  const jobs = jobsOf(ctx.db);
  try {
    const claimed = await repo.transition(ctx.db, id, 'validated', 'committing', { skipInvalid: Boolean(opts.skipInvalid), claimedBy: jobs.instance, heartbeatAt: new Date() });
    if (!claimed) throw new AppError('IMPORT_NOT_READY', 409, m('Lượt nhập đang được ghi', 'The import is already being committed'));
  } finally {
    starting.delete(ctx.actor.userId);
  }
  void runCommit(ctx, id, summary, jobs.instance);
  return { id, done: settled(ctx, id) };
}

const STATISTICS_REFRESH_ROWS = 1000;

async function runCommit(ctx: Ctx, id: string, validated: ImportSummary, instance: string): Promise<void> {
  const jobs = jobsOf(ctx.db);
  const release = await jobs.slot();
  try {
    let changed = 0;
    await inTransaction(ctx.db, async (tx) => {
      // Held until the end: other instances see the commit alive by this lock, whatever its heartbeat says.
      if (!(await repo.lockClaimed(tx, id, instance, 'committing'))) throw new NotOurJob();
      const applied = await applyRowsWith(tx, ctx, storedSource(tx, id), { importId: id });
      changed = applied.households.new + applied.households.updated + applied.assessments.new + applied.assessments.updated;
      const summary: ImportSummary = { ...validated, ...applied };
      // Committed: only the record stays (summary, stored errors); the upload and parsed rows go in the same transaction.
      await repo.updateImport(tx, id, { status: 'committed', summary, committedAt: new Date(), claimedBy: null, heartbeatAt: null, purgedAt: new Date() });
      await deleteChunks(tx, id);
      // A re-import that changes nothing leaves no audit trace at all (issue 5).
      if (changed > 0) {
        await recordAudit(tx, ctx, { action: 'import', entity: 'import', entityId: id, meta: { households: applied.households, assessments: applied.assessments } });
      }
    });
    // Large loads change the tables' shape: refresh the planner's statistics (PGlite never does it by itself).
    if (changed >= STATISTICS_REFRESH_ROWS) await refreshStatistics(ctx.db).catch(() => {});
  } catch (err) {
    if (err instanceof NotOurJob) return;
    ctx.logger.error({ importId: id, err: { message: (err as Error)?.message, code: (err as AppError)?.code } }, 'import commit failed');
    await jobs.fail(id, 'committing', {
      code: 'COMMIT_FAILED',
      message: m('Ghi dữ liệu thất bại; sổ hộ không thay đổi. Hãy tải tệp lên lại', 'Writing failed; the registry is unchanged. Upload the file again'),
    }).catch(() => {});
  } finally {
    release();
  }
}

const DISCARDABLE: ImportStatus[] = ['queued', 'parsing', 'validated', 'failed'];

/**
 * Discards an uncommitted import (DELETE /api/imports/:id): its upload, parsed rows and annotated workbook are
 * deleted at once; the record stays as `discarded` with its summary and stored errors. A parse still running on
 * some instance finds its claim gone and drops its work. Discarding twice answers the same.
 */
export async function discardImport(ctx: Ctx, id: string): Promise<repo.ImportRecord> {
  const record = await getImport(ctx, id);
  if (record.status === 'discarded' || record.status === 'expired') return record;
  if (!DISCARDABLE.includes(record.status as ImportStatus)) {
    throw new AppError('IMPORT_NOT_DISCARDABLE', 409, m('Lượt nhập đã hoặc đang được ghi vào sổ; không huỷ được', 'The import is committed or being committed; it cannot be discarded'));
  }
  return inTransaction(ctx.db, async (tx) => {
    if (!(await repo.transition(tx, id, record.status as ImportStatus, 'discarded', { claimedBy: null, heartbeatAt: null, purgedAt: new Date() }))) {
      throw new AppError('IMPORT_NOT_DISCARDABLE', 409, m('Lượt nhập vừa thay đổi trạng thái; hãy tải lại trang', 'The import just changed state; reload it'));
    }
    await deleteChunks(tx, id);
    await recordAudit(tx, ctx, { action: 'discard', entity: 'import', entityId: id, wardCode: record.wardCode, meta: { status: record.status } });
    return (await repo.findImport(tx, ctx.actor, id))!;
  });
}
