/**
 * The README's recovery, as an operator runs it (issue 18): `npm run backup` on a stopped registry, the data folder
 * lost, `npm run restore` into a new one; a second restore onto it and a truncated file are refused (exit 1, the
 * reason in Vietnamese and English, the target unchanged).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_PASSWORD } from '../support/server.ts';

function run(script: 'backup' | 'restore', dataDir: string, args: string[] = []) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', BACKUP_DIR: '', ADMIN_PASSWORD, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('backups: npm run backup / npm run restore', function () {
  this.timeout(600_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-backup-cli-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('backs up, loses the data folder, restores into a new one and refuses to restore over it', () => {
    const data = path.join(dir, 'data');
    const made = run('backup', data);
    expect(made.code, made.err).to.equal(0);
    const file = made.out.split('\n')[0]!.trim();
    expect(path.dirname(file)).to.equal(path.join(data, 'backups'));
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);

    const kept = path.join(dir, 'usb', path.basename(file));
    fs.mkdirSync(path.dirname(kept));
    fs.copyFileSync(file, kept);
    fs.rmSync(data, { recursive: true, force: true });

    const restored = run('restore', data, [kept]);
    expect(restored.code, restored.err).to.equal(0);
    expect(restored.out).to.match(/checksum OK/);
    expect(restored.out).to.match(/wards\s+11 →\s+11/);
    expect(restored.out).to.match(/users\s+1 →\s+1/);

    const again = run('restore', data, [kept]);
    expect(again.code).to.equal(1);
    expect(again.err).to.match(/RESTORE_TARGET_NOT_EMPTY/).and.match(/không trống/).and.match(/--force/);

    const truncated = path.join(dir, 'usb', 'truncated.jsonl.gz');
    fs.writeFileSync(truncated, fs.readFileSync(kept).subarray(0, 200));
    const refused = run('restore', path.join(dir, 'other'), [truncated]);
    expect(refused.code).to.equal(1);
    expect(refused.err).to.match(/BACKUP_TRUNCATED/).and.match(/cắt cụt/).and.match(/target was not changed/);
    expect(fs.existsSync(path.join(dir, 'other')), 'nothing created for a refused file').to.equal(false);
  });
});
