import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_PASSWORD } from '../support/server.ts';
import { col, surveyRows, workbookBuffer } from '../support/workbooks.ts';

/** The CLI on its own data folder (PGlite, under the folder lock), as an operator runs it. */
function runCli(dataDir: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', DATABASE_READ_URL: '', ADMIN_PASSWORD, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('imports: CLI', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-import-cli-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the summary, refuses --commit with a non-zero exit when rows are invalid, commits with --skip-invalid', async () => {
    const rows = surveyRows(6, { codePrefix: 'C' });
    rows[2]![col('Số nhân khẩu')] = 'nhiều';
    const file = path.join(dir, 'ra-soat.xlsx');
    fs.writeFileSync(file, await workbookBuffer([{ name: 'Hộ', rows }]));

    const refused = runCli(path.join(dir, 'data'), [file, '--commit', '--user', 'admin']);
    expect(refused.code, refused.err).to.equal(1);
    expect(refused.out).to.match(/hợp lệ\/valid 5, lỗi\/invalid 1/);
    expect(refused.out).to.match(/Hộ!3 Số nhân khẩu \[NOT_A_NUMBER\]/);
    expect(refused.err).to.match(/--skip-invalid/);

    const done = runCli(path.join(dir, 'data'), [file, '--commit', '--skip-invalid', '--user', 'admin']);
    expect(done.code, done.err).to.equal(0);
    expect(done.out).to.match(/committed/);
    expect(done.out).to.match(/Hộ \/ households: mới\/new 5/);

    const unknown = runCli(path.join(dir, 'data'), [file, '--user', 'nobody']);
    expect(unknown.code).to.equal(2);
  });
});
