/**
 * `npm run import -- <file.xlsx> [--commit] [--skip-invalid] --user <username>`: the same import service as the API
 * (parse in a child process, dry run, then an all-or-nothing commit), acting as that user and within their scope.
 * Exit codes: 0 done, 1 file refused / commit refused because of invalid rows / commit failed, 2 usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Actor, Ctx } from '../server/context.ts';
import { AppError } from '../server/errors.ts';
import { findUserByUsername } from '../server/domain/users/repository.ts';
import { privateTmpDir } from '../server/domain/imports/files.ts';
import { commitImport, getImport, startImport } from '../server/domain/imports/service.ts';
import type { ImportError, ImportSummary } from '../server/domain/imports/types.ts';
import { fail, parseArgs, withRegistry } from './cli.ts';

const USAGE = 'Usage: npm run import -- <file.xlsx> [--commit] [--skip-invalid] --user <username>';
const { positional, flags } = parseArgs(process.argv.slice(2));
const file = positional[0];
const username = typeof flags.user === 'string' ? flags.user : null;
if (!file || !username) fail(USAGE, 2);
if (!fs.existsSync(file)) fail(`Không tìm thấy tệp / File not found: ${file}`, 2);

function bar(done: number, total: number | null): string {
  if (!total) return `  ${done} dòng / rows`;
  const width = 30;
  const filled = Math.min(width, Math.round((done / total) * width));
  return `  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} dòng / rows`;
}

/** Waits for a background import step, drawing its progress on stderr. */
async function follow(ctx: Ctx, id: string, done: Promise<void>, label: string): Promise<void> {
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    await new Promise((r) => setTimeout(r, 500));
    const rec = await getImport(ctx, id);
    const p = rec.progress as { processedRows: number; totalRows: number | null };
    if (process.stderr.isTTY) process.stderr.write(`\r${label}${bar(p.processedRows, p.totalRows)}   `);
  }
  await done;
  if (process.stderr.isTTY) process.stderr.write('\n');
}

function printSummary(s: ImportSummary): void {
  const c = (x: { new: number; updated: number; unchanged: number }) => `mới/new ${x.new}, cập nhật/updated ${x.updated}, không đổi/unchanged ${x.unchanged}`;
  process.stdout.write(
    [
      `Dòng / rows: ${s.rows} (hợp lệ/valid ${s.valid}, lỗi/invalid ${s.invalid})`,
      `Hộ / households: ${c(s.households)}`,
      `Phiếu / assessments: ${c(s.assessments)}`,
      `Chuẩn TP / city: nghèo/poor ${s.categories.poor}, cận nghèo/near-poor ${s.categories.near_poor}, trung bình/average ${s.categories.average}, khác/not poor ${s.categories.not_poor}`,
      '',
    ].join('\n'),
  );
}

function printErrors(errors: ImportError[], total: number): void {
  for (const e of errors.slice(0, 20)) process.stdout.write(`  ${e.sheet}!${e.row} ${e.column ?? ''} [${e.code}] ${e.message.vi} / ${e.message.en}\n`);
  if (total > 20) process.stdout.write(`  … ${total - 20} lỗi khác / more errors (GET /api/imports/<id>/annotated.xlsx)\n`);
}

await withRegistry(async (registry, config) => {
  const user = await findUserByUsername(registry.deps.db, username!);
  if (!user || user.disabled) {
    process.stderr.write(`Không có tài khoản / No active user: ${username}\n`);
    process.exitCode = 2;
    return;
  }
  const actor: Actor = { userId: user.id, username: user.username, role: user.role, districtCode: user.districtCode, wardCode: user.wardCode, mustChangePassword: false };
  const ctx: Ctx = { ...registry.deps, actor, requestId: `cli-${crypto.randomUUID()}` };
  if (fs.statSync(file!).size > config.uploadLimitBytes) {
    process.stderr.write(`Tệp vượt giới hạn / File exceeds the upload limit (${Math.round(config.uploadLimitBytes / 1048576)} MB)\n`);
    process.exitCode = 1;
    return;
  }
  // The service takes ownership of (stores, then deletes) the upload: give it a private copy.
  const copy = path.join(privateTmpDir(config.dataDir), `${process.pid}-${crypto.randomUUID()}.upload`);
  fs.copyFileSync(file!, copy);
  fs.chmodSync(copy, 0o600);
  try {
    const started = await startImport(ctx, { path: copy, originalName: path.basename(file!) });
    await follow(ctx, started.id, started.done, 'Kiểm tra / validating');
    let rec = await getImport(ctx, started.id);
    process.stdout.write(`Lượt nhập / import ${rec.id}: ${rec.status}\n`);
    if (rec.status === 'failed') {
      const f = rec.failure as { code: string; message: { vi: string; en: string } };
      process.stderr.write(`[${f.code}] ${f.message.vi} / ${f.message.en}\n`);
      process.exitCode = 1;
      return;
    }
    const summary = rec.summary as ImportSummary;
    printSummary(summary);
    printErrors(rec.errors as ImportError[], rec.errorCount);
    if (!flags.commit) return;
    if (summary.invalid > 0 && !flags['skip-invalid']) {
      process.stderr.write('Không ghi: tệp có dòng lỗi; sửa tệp hoặc thêm --skip-invalid / Not committed: the file has invalid rows; fix it or add --skip-invalid\n');
      process.exitCode = 1;
      return;
    }
    const committed = await commitImport(ctx, started.id, { skipInvalid: Boolean(flags['skip-invalid']) });
    await follow(ctx, started.id, committed.done, 'Ghi / committing');
    rec = await getImport(ctx, started.id);
    process.stdout.write(`Lượt nhập / import ${rec.id}: ${rec.status}\n`);
    if (rec.status !== 'committed') {
      process.exitCode = 1;
      return;
    }
    printSummary(rec.summary as ImportSummary);
  } catch (err) {
    if (err instanceof AppError) {
      process.stderr.write(`[${err.code}] ${err.messages.vi} / ${err.messages.en}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
});
