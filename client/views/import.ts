/**
 * Excel import: template, upload, parsing progress, dry-run summary and row errors, annotated workbook, commit
 * (with an explicit confirmation to skip invalid rows), and the history of past imports.
 */
import { commitImport, discardImport, downloads, getImport, listImports, uploadImport } from '../api/endpoints.ts';
import type { ImportStatus } from '../api/types.ts';
import { field, h } from '../dom.ts';
import { fmtDateTime, fmtInt, loc, t, type MessageKey } from '../i18n/index.ts';
import { href, type Route } from '../router.ts';
import { alertBox, cardsOnPhone, CATEGORIES, categoryLabel, errorText, pageTitle } from './common.ts';

const POLL_MS = 400;
const DONE = new Set(['validated', 'failed', 'committed', 'discarded', 'expired']);

function summaryTable(s: NonNullable<ImportStatus['summary']>): HTMLElement {
  const row = (key: MessageKey, v: number | undefined, testid?: string) => h('tr', {}, h('th', { scope: 'row' }, t(key)), h('td', { 'data-testid': testid ?? null }, fmtInt(v ?? 0)));
  const trio = (key: MessageKey, x: { new: number; updated: number; unchanged: number }) =>
    h('tr', {}, h('th', { scope: 'row' }, t(key)), h('td', {}, t('import.trio', { n: fmtInt(x.new), u: fmtInt(x.updated), s: fmtInt(x.unchanged) })));
  return h(
    'table',
    { class: 'numbers summary', 'data-testid': 'import-summary' },
    h('tbody', {},
      row('import.rows', s.rows),
      row('import.valid', s.valid, 'import-valid'),
      row('import.invalid', s.invalid, 'import-invalid'),
      trio('import.households', s.households),
      trio('import.assessments', s.assessments),
      CATEGORIES.map((c) => h('tr', {}, h('th', { scope: 'row' }, categoryLabel(c)), h('td', {}, fmtInt(s.categories?.[c] ?? 0))))),
  );
}

function errorTable(st: ImportStatus, list = st.errors, caption = t('import.errorsCaption', { n: fmtInt(st.errorCount ?? st.errors.length) }), testid = 'import-errors'): HTMLElement {
  return cardsOnPhone(h(
    'table',
    { class: 'data-table', 'data-testid': testid },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...(['import.sheet', 'import.row', 'import.column', 'import.value', 'import.message'] as MessageKey[]).map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, list.map((e) =>
      h('tr', { 'data-code': e.code }, h('td', {}, e.sheet), h('td', {}, String(e.row)), h('td', {}, e.column ?? ''), h('td', {}, e.value === undefined || e.value === null ? '' : String(e.value)), h('td', {}, loc(e.message))))),
  ));
}

export async function importView(route: Route, outlet: HTMLElement): Promise<void> {
  const error = alertBox();
  const statusBox = h('section', { class: 'card import-status', 'aria-live': 'polite', 'data-testid': 'import-status', hidden: true });
  const historyBox = h('div', { 'data-testid': 'import-history' });
  const fileInput = h('input', { type: 'file', name: 'file', accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', required: true, 'data-testid': 'import-file' });
  const uploadButton = h('button', { type: 'submit', class: 'primary', 'data-testid': 'import-upload' }, t('import.upload'));

  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        const file = fileInput.files?.[0];
        if (!file) return void (error.textContent = t('import.chooseFile'));
        uploadButton.disabled = true;
        try {
          const { id } = await uploadImport(file);
          // Keep the import in the address so a reload comes back to it.
          history.replaceState(null, '', href('/import', { id }));
          await follow(id);
        } catch (err) {
          error.textContent = errorText(err);
        } finally {
          uploadButton.disabled = false;
        }
      },
    },
    h('h2', {}, t('import.step1')),
    h('p', {}, t('import.templateIntro'), ' ', h('a', { class: 'button', href: downloads.importTemplate(), download: '', 'data-testid': 'import-template' }, t('import.template'))),
    h('h2', {}, t('import.step2')),
    field(t('import.file'), fileInput, { hint: t('import.fileHint') }),
    uploadButton,
  );

  outlet.replaceChildren(pageTitle('import.title'), error, form, statusBox, h('h2', {}, t('import.history')), historyBox);

  async function follow(id: string): Promise<void> {
    statusBox.hidden = false;
    let st = await getImport(id);
    while (!DONE.has(st.status) && statusBox.isConnected) {
      showStatus(st);
      await new Promise((r) => setTimeout(r, POLL_MS));
      st = await getImport(id);
    }
    showStatus(st);
    void refreshHistory();
  }

  function showStatus(st: ImportStatus): void {
    const total = st.progress?.totalRows ?? 0;
    const done = st.progress?.processedRows ?? 0;
    const bar = h('progress', { max: String(total || 1), value: String(total ? done : 0), 'aria-label': t('import.progress'), 'data-testid': 'import-progress' });
    const parts: (HTMLElement | null)[] = [
      h('h2', {}, t('import.step3')),
      h('p', { 'data-testid': 'import-state', 'data-status': st.status }, t(`import.status.${st.status}` as MessageKey)),
      DONE.has(st.status) ? null : h('div', {}, bar, ' ', total ? t('import.rowsOf', { done: fmtInt(done), total: fmtInt(total) }) : ''),
      st.failure ? alertBox(loc(st.failure.message)) : null,
      st.summary ? summaryTable(st.summary) : null,
      st.errors?.length ? errorTable(st) : null,
      st.summary?.warnings?.length ? errorTable(st, st.summary.warnings, t('import.warningsCaption', { n: fmtInt(st.summary.warningCount ?? st.summary.warnings.length) }), 'import-warnings') : null,
      st.errorsTruncated ? h('p', { class: 'notice' }, t('import.errorsTruncated', { shown: fmtInt(st.errors.length), total: fmtInt(st.errorCount ?? 0) })) : null,
      // The annotated workbook exists while the import is uncommitted; afterwards only the record stays (issue 13.3).
      st.status === 'validated' && st.summary && (st.summary.invalid > 0 || st.errors?.length || st.summary.warnings?.length) ? h('p', {}, h('a', { class: 'button', href: downloads.annotated(st.id), download: '', 'data-testid': 'import-annotated' }, t('import.annotated'))) : null,
    ];
    if (st.status === 'validated' && st.summary) parts.push(commitBlock(st), discardBlock(st));
    if (st.status === 'committed') parts.push(h('p', { class: 'success', 'data-testid': 'import-committed' }, t('import.committed')));
    statusBox.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  }

  function commitBlock(st: ImportStatus): HTMLElement {
    const invalid = st.summary?.invalid ?? 0;
    const skip = h('input', { type: 'checkbox', id: 'skip-invalid', name: 'skipInvalid', 'data-testid': 'skip-invalid' });
    const button = h('button', { type: 'button', class: 'primary', 'data-testid': 'import-commit', disabled: invalid > 0 }, t('import.commit', { n: fmtInt(st.summary?.valid ?? 0) }));
    skip.addEventListener('change', () => (button.disabled = !skip.checked));
    const msg = alertBox();
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await commitImport(st.id, invalid > 0 && skip.checked);
        await follow(st.id);
      } catch (err) {
        msg.textContent = errorText(err);
        button.disabled = false;
      }
    });
    return h('div', { class: 'commit' },
      (st.summary?.valid ?? 0) === 0 ? h('p', { class: 'notice' }, t('import.nothingValid')) : null,
      invalid > 0 ? h('div', { class: 'notice' }, h('label', { for: 'skip-invalid' }, skip, ' ', t('import.skipConfirm', { n: fmtInt(invalid) }))) : null,
      msg,
      button);
  }

  /** Discard: the upload, parsed rows and annotated workbook are deleted now; the record stays in the history. */
  function discardBlock(st: ImportStatus): HTMLElement {
    const msg = alertBox();
    const button = h('button', { type: 'button', class: 'danger', 'data-testid': 'import-discard' }, t('import.discard'));
    button.addEventListener('click', async () => {
      if (!confirm(t('import.discardConfirm'))) return;
      button.disabled = true;
      try {
        showStatus(await discardImport(st.id));
        void refreshHistory();
      } catch (err) {
        msg.textContent = errorText(err);
        button.disabled = false;
      }
    });
    return h('div', { class: 'discard' }, msg, button);
  }

  async function refreshHistory(): Promise<void> {
    try {
      const list = await listImports();
      historyBox.replaceChildren(
        list.data.length === 0
          ? h('p', { class: 'muted' }, t('import.noHistory'))
          : cardsOnPhone(h('table', { class: 'data-table' },
              h('thead', {}, h('tr', {}, ...(['import.when', 'import.who', 'import.file', 'import.state', 'import.rows', 'import.invalid'] as MessageKey[]).map((k) => h('th', { scope: 'col' }, t(k))))),
              h('tbody', {}, list.data.map((i) => h('tr', {},
                h('td', {}, h('a', { href: href('/import', { id: i.id }) }, fmtDateTime(i.createdAt))),
                h('td', {}, i.username ?? i.createdBy ?? ''),
                h('td', {}, i.fileName),
                h('td', {}, t(`import.status.${i.status}` as MessageKey)),
                h('td', {}, fmtInt(i.summary?.rows ?? null)),
                h('td', {}, fmtInt(i.summary?.invalid ?? null))))))),
      );
    } catch (err) {
      historyBox.replaceChildren(alertBox(errorText(err)));
    }
  }

  void refreshHistory();
  const id = route.query.get('id');
  if (id) await follow(id).catch((err) => (error.textContent = errorText(err)));
}
