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
import { AppError, errors, loggableError } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import { cleanText } from '../text.ts';
import { applyRowsWith, IMPORT_BATCH, type RowSource } from './apply.ts';
import { refreshStatistics } from '../../db/maintenance.ts';
import { deleteChunks, hasChunks, ndjsonValues, readChunks, writeChunks } from './chunks-repository.ts';
import { failureOf, failures, ImportFailureError } from './failures.ts';
import { jobsOf, NotOurJob } from './jobs.ts';
import * as repo from './repository.ts';
import { RUNNING_STATUSES, type ImportRow, type ImportStatus, type ImportSummary } from './types.ts';

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

/** The parsed rows an import holds in the database, read chunk by chunk (inside the commit's transaction). */
function storedSource(exec: Ctx['db'], id: string, batchSize = IMPORT_BATCH): RowSource {
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
      // The chunks table is UNLOGGED (migration 0008): a crash of the database empties it. Rows that vanished so must
      // fail the commit, never commit "nothing" as if the file had been applied.
      if (validated.valid > 0 && !(await hasChunks(tx, id, 'rows'))) throw new ImportFailureError(failures.interrupted());
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
    void jobs.compactSoon();
    // Large loads change the tables' shape: refresh the planner's statistics (PGlite never does it by itself).
    if (changed >= STATISTICS_REFRESH_ROWS) await refreshStatistics(ctx.db).catch(() => {});
  } catch (err) {
    if (err instanceof NotOurJob) return;
    if (err instanceof ImportFailureError) return void (await jobs.fail(id, 'committing', err.failure).catch(() => {}));
    // A refusal with its own code (a ward-round approved since validation: ROUND_APPROVED) is told as such.
    if (err instanceof AppError && err.status < 500) return void (await jobs.fail(id, 'committing', failureOf(err)).catch(() => {}));
    ctx.logger.error({ importId: id, err: loggableError(err) }, 'import commit failed');
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
  }).finally(() => void jobsOf(ctx.db).compactSoon());
}
