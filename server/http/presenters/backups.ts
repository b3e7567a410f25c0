import type { BackupInfo } from '../../domain/backups/service.ts';
import type { BackupAge } from '../../domain/backups/format.ts';

export function presentBackup(b: BackupInfo) {
  return {
    name: b.name,
    createdAt: b.createdAt,
    sizeBytes: b.sizeBytes,
    sha256: b.sha256,
    engine: b.engine,
    appVersion: b.appVersion,
    migrations: b.migrations,
    rows: b.rows,
    tables: b.tables,
  };
}

export function presentBackupAge(a: BackupAge) {
  return { status: a.status, lastAt: a.lastAt, ageHours: a.ageHours };
}
