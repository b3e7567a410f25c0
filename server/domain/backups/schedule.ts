/**
 * The daily backup (BACKUP_AT, local time of the server; `off` disables it). A timer set to the next run; a run that
 * fails is logged and the next day's run goes ahead. With several API servers on one PostgreSQL database, let one
 * of them take the scheduled backups (BACKUP_AT=off on the others).
 */
import { systemActor, type AppDeps } from '../../context.ts';
import { nextRunAfter } from './format.ts';
import { createBackup } from './service.ts';

export interface BackupSchedule {
  next: Date | null;
  stop(): void;
}

export function startBackupSchedule(deps: Pick<AppDeps, 'db' | 'engine' | 'config' | 'logger'>): BackupSchedule {
  const at = deps.config.backupAt;
  const schedule: BackupSchedule = { next: null, stop: () => {} };
  if (!at) return schedule;
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    schedule.next = nextRunAfter(new Date(), at);
    // Timers drift and a machine may sleep: wake at most hourly and check the clock again.
    const wait = Math.min(schedule.next.getTime() - Date.now(), 3_600_000);
    timer = setTimeout(tick, Math.max(wait, 1000));
    timer.unref();
  };
  const tick = async () => {
    if (schedule.next && Date.now() >= schedule.next.getTime()) {
      try {
        await createBackup({ ...deps, actor: systemActor('backup-schedule'), requestId: 'backup-schedule' });
      } catch (err) {
        // The code and type only: a driver's message may quote row values (personal data never goes into logs).
        deps.logger.error({ code: (err as { code?: string }).code, type: (err as Error)?.name }, 'scheduled backup failed');
      }
      arm();
    } else {
      const wait = Math.min(schedule.next!.getTime() - Date.now(), 3_600_000);
      timer = setTimeout(tick, Math.max(wait, 1000));
      timer.unref();
    }
  };
  arm();
  schedule.stop = () => {
    if (timer) clearTimeout(timer);
  };
  deps.logger.info({ next: schedule.next?.toISOString() }, 'daily backup scheduled');
  return schedule;
}
