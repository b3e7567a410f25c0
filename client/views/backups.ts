/**
 * Backups page (issue 18, administrators): the last backup's age (warned when older than 2 days), a button that
 * takes one now, and the list of backups in BACKUP_DIR with size, rows and checksum, each downloadable.
 */
import { backupDownloadUrl, listBackups, startBackup, type BackupList } from '../api/backups.ts';
import { h } from '../dom.ts';
import { fmtDateTime, fmtInt, t, type MessageKey } from '../i18n/index.ts';
import type { Route } from '../router.ts';
import { state } from '../state.ts';
import { alertBox, errorText, pageTitle } from './common.ts';

const mib = (bytes: number) => (bytes < 1048576 ? `${Math.max(1, Math.round(bytes / 1024))} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`);

function statusLine(list: BackupList): HTMLElement {
  const last = list.meta.last;
  const text =
    last.status === 'none'
      ? t('backups.none')
      : t('backups.last', { when: fmtDateTime(last.lastAt), hours: String(last.ageHours ?? '—') }) + (last.status === 'stale' ? ' ' + t('backups.stale') : '');
  return h('p', { class: last.status === 'ok' ? 'notice' : 'form-error', role: last.status === 'ok' ? 'status' : 'alert', 'data-testid': 'backup-age' }, text);
}

function table(list: BackupList): HTMLElement {
  const heads: MessageKey[] = ['backups.when', 'backups.size', 'backups.households', 'backups.rows', 'backups.engine', 'backups.checksum', 'backups.download'];
  return h(
    'table',
    { class: 'data-table', 'data-testid': 'backup-list' },
    h('thead', {}, h('tr', {}, ...heads.map((k) => h('th', { scope: 'col' }, t(k))))),
    h(
      'tbody',
      {},
      list.data.map((b) =>
        h(
          'tr',
          {},
          h('td', {}, fmtDateTime(b.createdAt)),
          h('td', {}, mib(b.sizeBytes)),
          h('td', {}, fmtInt(b.tables.find((x) => x.name === 'households')?.rows ?? null)),
          h('td', {}, fmtInt(b.rows)),
          h('td', {}, b.engine ?? '—'),
          h('td', { class: 'mono', title: b.sha256 ?? '' }, b.sha256 ? `${b.sha256.slice(0, 16)}…` : '—'),
          h('td', {}, h('a', { href: backupDownloadUrl(b.name), download: b.name }, t('backups.download'))),
        ),
      ),
    ),
  );
}

export async function backupsView(_route: Route, outlet: HTMLElement): Promise<void> {
  if (state.user?.role !== 'admin') {
    outlet.replaceChildren(alertBox(t('backups.adminOnly')));
    return;
  }
  const body = h('div', {});
  const message = h('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'backup-message' });
  const button = h('button', { type: 'button', class: 'primary', 'data-testid': 'backup-start' }, t('backups.start'));

  const refresh = async () => {
    const list = await listBackups();
    const schedule = list.meta.schedule === 'off' ? t('backups.scheduleOff', { keep: String(list.meta.keep) }) : t('backups.schedule', { at: list.meta.schedule, keep: String(list.meta.keep) });
    body.replaceChildren(statusLine(list), h('p', { class: 'muted' }, schedule), list.data.length ? table(list) : h('p', { class: 'muted' }, t('backups.none')));
  };
  button.addEventListener('click', async () => {
    button.disabled = true;
    message.textContent = t('backups.running');
    try {
      const b = await startBackup();
      message.textContent = t('backups.done', { rows: fmtInt(b.rows), seconds: (b.durationMs / 1000).toFixed(1) });
      await refresh();
    } catch (err) {
      message.textContent = errorText(err);
    } finally {
      button.disabled = false;
    }
  });
  outlet.replaceChildren(pageTitle('backups.title', button), h('p', {}, t('backups.intro')), message, body);
  await refresh();
}
