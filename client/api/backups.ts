/** Backups API (issue 18, administrators only). Types are the server presenter's shapes (server/http/presenters/backups.ts). */
import { api } from './http.ts';
import type { Paged } from './types.ts';

export interface BackupAge {
  status: 'ok' | 'stale' | 'none';
  lastAt: string | null;
  ageHours: number | null;
}

export interface Backup {
  name: string;
  createdAt: string;
  sizeBytes: number;
  sha256: string | null;
  engine: 'pglite' | 'postgres' | null;
  appVersion: string | null;
  migrations: number | null;
  rows: number | null;
  tables: { name: string; rows: number }[];
}

export type BackupList = Paged<Backup> & { meta: Paged<Backup>['meta'] & { last: BackupAge; keep: number; schedule: string } };

export const listBackups = () => api.get<BackupList>('/api/admin/backups');
export const startBackup = () => api.post<Backup & { durationMs: number; pruned: string[] }>('/api/admin/backups', {});
export const backupDownloadUrl = (name: string) => `/api/admin/backups/${encodeURIComponent(name)}`;
