import { Router } from 'express';
import type { AppDeps } from '../../context.ts';
import { ctxOf } from '../auth.ts';
import { validate } from '../validate.ts';
import { backupNameParam } from '../schemas/backups.ts';
import { backupFile, createBackup, lastBackupAge, listBackups } from '../../domain/backups/service.ts';
import { presentBackup, presentBackupAge } from '../presenters/backups.ts';

/**
 * Backups (issue 18), administrators only: a backup holds every household of the district.
 * POST starts one and answers once it is written (201); GET lists them, newest first; GET …/:name downloads one.
 */
export function backupsRouter(deps: AppDeps): Router {
  const r = Router();
  r.get('/admin/backups', async (req, res) => {
    ctxOf(req, deps, ['admin']);
    const list = await listBackups(deps.config);
    res.json({
      data: list.map(presentBackup),
      meta: {
        total: list.length,
        page: 1,
        pageSize: list.length,
        last: presentBackupAge(lastBackupAge(deps.config)),
        keep: deps.config.backupKeep,
        schedule: deps.config.backupAt ? `${String(deps.config.backupAt.hour).padStart(2, '0')}:${String(deps.config.backupAt.minute).padStart(2, '0')}` : 'off',
      },
    });
  });
  r.post('/admin/backups', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin']);
    const b = await createBackup(ctx);
    res.status(201).json({ ...presentBackup(b), durationMs: b.durationMs, pruned: b.pruned });
  });
  r.get('/admin/backups/:name', async (req, res) => {
    ctxOf(req, deps, ['admin']);
    const { name } = validate<{ name: string }>(backupNameParam, req.params);
    res.download(backupFile(deps.config, name), name, { headers: { 'Content-Type': 'application/gzip' } });
  });
  return r;
}
