/**
 * Validation of a claimed import (jobs.ts runs it on the instance that claimed the job): the upload is copied from
 * the database to a 0600 file in a private folder for the parser child, which is deleted right after parsing (and
 * annotating, when there are more errors than the record keeps); the parsed rows go back to the database in the
 * transaction that marks the import validated — only while this instance still holds the claim.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../context.ts';
import { inTransaction } from '../../db/tx.ts';
import { AppError, loggableError } from '../../errors.ts';
import { approvedKeys } from '../rounds/guard.ts';
import { wardInScope } from '../scope.ts';
import { listWards } from '../units/repository.ts';
import { applyRows, IMPORT_BATCH, type RowSource } from './apply.ts';
import { chunksToFile, writeChunks } from './chunks-repository.ts';
import { failures, failureOf } from './failures.ts';
import { jobTmpDir, NdjsonWriter, readNdjson, readNdjsonBatches } from './files.ts';
import { indicatorColumns } from './indicators.ts';
import { jobsOf, NotOurJob } from './jobs.ts';
import * as repo from './repository.ts';
import type { RowContext } from './row-rules.ts';
import { runAnnotate, runParser } from './runner.ts';
import type { ImportError, ImportSummary } from './types.ts';
import { DEFAULT_LIMITS } from './zip-check.ts';

/** Row errors kept in the import record (and the JSON answer); the annotated workbook marks all of them. */
export const STORED_ERRORS = 1000;

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
    // Rows of an approved ward-round are refused (issue 12 §2: ROUND_APPROVED); the rest of the file is unaffected.
    approvedWardRounds: [...(await approvedKeys(ctx.db))],
  };
}

export function fileSource(file: string, batchSize = IMPORT_BATCH): RowSource {
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

/** Parses, validates and dry-runs a claimed import, then stores its rows (see the file comment). */
export async function validateImport(ctx: Ctx, record: repo.ImportRecord, instance: string): Promise<void> {
  const id = record.id;
  const jobs = jobsOf(ctx.db);
  const dir = jobTmpDir(ctx.config.dataDir);
  const file = (name: string) => path.join(dir, name);
  let progressWrite = Promise.resolve();
  try {
    // No bytes: the upload was lost with the UNLOGGED chunks table in a database crash (migration 0008).
    if ((await chunksToFile(ctx.db, id, 'upload', file('upload.xlsx'))) === 0) return await jobs.fail(id, 'parsing', failures.interrupted());
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
      // The parser's detail text may quote cells of the file: only the failure code is logged.
      if (outcome.detail) ctx.logger.warn({ importId: id, code: outcome.failure.code }, 'import parse failed');
      return await jobs.fail(id, 'parsing', outcome.failure);
    }
    const r = outcome.result;
    // The dry run also finds registry matches of ID numbers (issue 17): row warnings, kept like the errors.
    const warnings = new NdjsonWriter(file('warnings.ndjson'));
    const shownWarnings: ImportError[] = [];
    const plan = await applyRows(ctx, fileSource(file('rows.ndjson')), {
      mode: 'dry',
      onWarnings: async (found) => {
        for (const w of found) await warnings.write(w);
        shownWarnings.push(...found.slice(0, STORED_ERRORS - shownWarnings.length));
      },
    }).finally(() => warnings.close());
    // More errors or warnings than the record keeps: annotate now, while the full lists exist (they are not stored).
    const annotated =
      r.errorCount > STORED_ERRORS || warnings.count > STORED_ERRORS
        ? await annotate(ctx, { file: file('upload.xlsx'), errorsFile: file('errors.ndjson'), warningsFile: file('warnings.ndjson'), sheetsFile: file('sheets.json'), out: file('annotated.xlsx') })
        : null;
    fs.rmSync(file('upload.xlsx'), { force: true });
    const summary: ImportSummary = { rows: r.rows, valid: r.valid, invalid: r.invalid, ...plan, warningCount: warnings.count, warnings: shownWarnings };
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
    ctx.logger.error({ importId: id, err: loggableError(err) }, 'import validation failed');
    await jobs.fail(id, 'parsing', err instanceof AppError ? failureOf(err) : failures.parserCrashed()).catch(() => {});
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

