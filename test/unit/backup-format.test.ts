import { expect } from 'chai';
import path from 'node:path';
import { ConfigError, configFor } from '../../server/config.ts';
import {
  BACKUP_FORMAT, backupAge, backupFileName, backupTimeOf, backupsToPrune, checkManifest, nextRunAfter, orderByDependencies, parseTrailer, trailerLine,
} from '../../server/domain/backups/format.ts';

const manifest = {
  format: BACKUP_FORMAT,
  formatVersion: 1,
  app: { name: 'so-ho-ngheo', version: '0.1.0' },
  engine: 'pglite',
  createdAt: '2026-12-02T02:00:00.000Z',
  migrations: { count: 1, lastTag: '0000_init', hashes: ['a'.repeat(64)] },
  tables: [{ name: 'wards', columns: ['code', 'name'], rows: 11 }],
};

describe('backup format (issue 18)', () => {
  it('names files by UTC time, to the millisecond, and reads the time back; other names are not ours', () => {
    const at = new Date('2026-12-02T02:00:05.123Z');
    expect(backupFileName(at)).to.equal('shn-backup-20261202-020005-123Z.jsonl.gz');
    expect(backupTimeOf(backupFileName(at))!.toISOString()).to.equal(at.toISOString());
    for (const name of ['secret.key', 'shn-backup-20261202-020005-123Z.jsonl.gz.sha256', '.shn-backup-20261202-020005-123Z.jsonl.gz.partial', 'shn-backup-2026-12-02.jsonl.gz']) {
      expect(backupTimeOf(name), name).to.equal(null);
    }
  });

  it('retention deletes the oldest beyond BACKUP_KEEP and never touches other files', () => {
    const names = [5, 1, 3, 2, 4].map((d) => backupFileName(new Date(Date.UTC(2026, 11, d, 2))));
    expect(backupsToPrune([...names, 'notes.txt'], 3)).to.deep.equal([backupFileName(new Date(Date.UTC(2026, 11, 1, 2))), backupFileName(new Date(Date.UTC(2026, 11, 2, 2)))]);
    expect(backupsToPrune(names, 14)).to.deep.equal([]);
  });

  it('warns when the newest backup is older than 2 days, or when there is none', () => {
    const now = new Date('2026-12-05T12:00:00Z');
    expect(backupAge(null, now).status).to.equal('none');
    expect(backupAge(new Date('2026-12-03T12:00:00Z'), now)).to.deep.equal({ status: 'ok', lastAt: '2026-12-03T12:00:00.000Z', ageHours: 48 });
    expect(backupAge(new Date('2026-12-03T11:00:00Z'), now).status).to.equal('stale');
  });

  it('schedules the next run at the local time, today if still ahead, else tomorrow', () => {
    const now = new Date(2026, 11, 2, 1, 30);
    expect(nextRunAfter(now, { hour: 2, minute: 0 }).getTime()).to.equal(new Date(2026, 11, 2, 2, 0).getTime());
    expect(nextRunAfter(new Date(2026, 11, 2, 2, 0), { hour: 2, minute: 0 }).getTime()).to.equal(new Date(2026, 11, 3, 2, 0).getTime());
  });

  it('orders tables so every table follows those it references', () => {
    const order = orderByDependencies(['sessions', 'users', 'wards', 'districts', 'provinces', 'audit'], [
      { from: 'sessions', to: 'users' }, { from: 'users', to: 'wards' }, { from: 'users', to: 'districts' }, { from: 'wards', to: 'districts' },
      { from: 'districts', to: 'provinces' }, { from: 'users', to: 'users' },
    ]);
    const at = (t: string) => order.indexOf(t);
    expect(order).to.have.length(6);
    expect(at('provinces')).to.be.below(at('districts'));
    expect(at('districts')).to.be.below(at('wards'));
    expect(at('wards')).to.be.below(at('users'));
    expect(at('users')).to.be.below(at('sessions'));
  });

  it('accepts its own manifest and names what is wrong with others', () => {
    expect(checkManifest(manifest)).to.have.property('manifest');
    expect((checkManifest({ hello: 1 }) as { problem: { kind: string } }).problem.kind).to.equal('foreign');
    expect((checkManifest({ ...manifest, formatVersion: 2 }) as { problem: { kind: string } }).problem.kind).to.equal('unsupported');
    expect((checkManifest({ ...manifest, tables: [{ name: 'Robert"); drop table x', columns: ['a'], rows: 1 }] }) as { problem: { kind: string } }).problem.kind).to.equal('invalid');
    expect((checkManifest({ ...manifest, migrations: { count: 2, lastTag: null, hashes: ['a'.repeat(64)] } }) as { problem: { kind: string } }).problem.kind).to.equal('invalid');
  });

  it('tells the trailer from a row', () => {
    const line = trailerLine({ rows: 3, sha256: 'c'.repeat(64) });
    expect(parseTrailer(line.trim())).to.deep.equal({ rows: 3, sha256: 'c'.repeat(64) });
    expect(parseTrailer('{"code":"26764","name":"$end"}')).to.equal(null);
  });

  it('reads BACKUP_DIR (default DATA_DIR/backups), BACKUP_KEEP (14) and BACKUP_AT (02:00, or off) from the config', () => {
    const c = configFor({ DATA_DIR: '/srv/shn' });
    expect(c.backupDir).to.equal(path.resolve('/srv/shn/backups'));
    expect(c.backupKeep).to.equal(14);
    expect(c.backupAt).to.deep.equal({ hour: 2, minute: 0 });
    expect(configFor({ BACKUP_AT: 'off', BACKUP_DIR: '/mnt/usb' })).to.deep.include({ backupAt: null, backupDir: path.resolve('/mnt/usb') });
    try {
      configFor({ BACKUP_AT: '25:00', BACKUP_KEEP: '0' });
      expect.fail('accepted');
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.key).sort()).to.deep.equal(['BACKUP_AT', 'BACKUP_KEEP']);
    }
  });
});
