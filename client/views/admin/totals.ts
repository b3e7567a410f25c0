/** Ward totals: a wards × rounds grid edited in place (PUT per cell, audited) and the two-column sheet upload. */
import { listTotals, setTotal, uploadTotalsSheet } from '../../api/admin.ts';
import type { WardTotal } from '../../api/types.ts';
import { clear, field, h } from '../../dom.ts';
import { fmtInt, t } from '../../i18n/index.ts';
import type { Route } from '../../router.ts';
import { rounds, state, wardName } from '../../state.ts';
import { alertBox, errorText, pageTitle, scrollRegion } from '../common.ts';
import { formSummary, problemsOf, requiredLabel, showProblems } from './form-errors.ts';

/** Mirrors totalBody in server/http/schemas/reports.ts. */
const MAX_TOTAL = 10_000_000;

/** "12.500", "12,500", "12 500" → 12500; anything else (or above `max`) → null. */
export function parseWholeNumber(text: string, max = MAX_TOTAL): number | null {
  const digits = text.replace(/[\s.,]/g, '');
  if (!/^\d{1,15}$/.test(digits)) return null;
  const n = Number(digits);
  return n <= max ? n : null;
}

export async function totalsView(_route: Route, outlet: HTMLElement): Promise<void> {
  const canEdit = state.user?.role === 'admin' || state.user?.role === 'district';
  const gridBox = h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': t('totals.title'), 'data-testid': 'totals-grid' }, h('p', {}, t('common.loading')));
  clear(outlet, pageTitle('totals.title'), h('p', { class: 'notice' }, t('totals.intro')), canEdit ? null : h('p', {}, t('totals.readOnly')), gridBox, canEdit ? uploadForm(() => void load()) : null);

  async function load(): Promise<void> {
    try {
      const all = rounds();
      const byRound = await Promise.all(all.map((r) => listTotals(r)));
      gridBox.replaceChildren(grid(all, byRound, canEdit));
    } catch (err) {
      gridBox.replaceChildren(alertBox(errorText(err)));
    }
  }
  await load();
}

function grid(all: number[], byRound: WardTotal[][], canEdit: boolean): HTMLElement {
  const wards = byRound[0] ?? [];
  return h(
    'table',
    { class: 'data-table totals-grid' },
    h('caption', { class: 'visually-hidden' }, t('totals.title')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('common.ward')), all.map((r) => h('th', { scope: 'col', class: 'num' }, String(r))))),
    h(
      'tbody',
      {},
      wards.map((w) =>
        h(
          'tr',
          { 'data-ward': w.wardCode },
          h('th', { scope: 'row' }, w.name ?? wardName(w.wardCode)),
          all.map((round, i) => {
            const value = byRound[i]?.find((x) => x.wardCode === w.wardCode)?.households ?? null;
            return h('td', { class: 'num' }, canEdit ? totalCell(w.wardCode, w.name ?? wardName(w.wardCode), round, value) : fmtInt(value));
          }),
        ),
      ),
    ),
  );
}

function totalCell(wardCode: string, name: string, round: number, value: number | null): HTMLElement {
  let saved = value === null ? '' : fmtInt(value);
  const errId = `total-${wardCode}-${round}-err`;
  const input = h('input', {
    type: 'text',
    inputmode: 'numeric',
    value: saved,
    size: 9,
    'aria-label': t('totals.cell', { ward: name, round }),
    'aria-describedby': errId,
    'data-cell': `${wardCode}/${round}`,
  });
  const note = h('div', { id: errId, class: 'cell-note', 'aria-live': 'polite' });
  const save = async () => {
    if (input.value === saved) return;
    const n = parseWholeNumber(input.value);
    if (n === null) {
      input.setAttribute('aria-invalid', 'true');
      note.textContent = t('totals.invalid');
      note.className = 'cell-note field-error';
      return;
    }
    note.className = 'cell-note muted';
    note.textContent = t('admin.saving');
    try {
      await setTotal(wardCode, round, n);
      saved = fmtInt(n);
      input.value = saved;
      input.removeAttribute('aria-invalid');
      note.className = 'cell-note success';
      note.textContent = t('admin.saved');
    } catch (err) {
      input.setAttribute('aria-invalid', 'true');
      note.className = 'cell-note field-error';
      note.textContent = problemsOf(err).map((p) => p.message).join(' ');
    }
  };
  input.addEventListener('change', () => void save());
  return h('div', {}, input, note);
}

function uploadForm(done: () => void): HTMLElement {
  const all = rounds();
  const round = h('select', { id: 'totals-round', name: 'round' }, all.map((r) => h('option', { value: String(r), selected: r === all[all.length - 1] }, String(r))));
  const file = h('input', { id: 'totals-file', name: 'file', type: 'file', accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', required: true, 'aria-required': 'true' });
  const summary = formSummary();
  const result = h('p', { role: 'status', class: 'success', 'data-testid': 'totals-upload-result' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('totals.send'));
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      'data-testid': 'totals-upload',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        result.textContent = '';
        const chosen = file.files?.[0];
        if (!chosen) return showProblems(form, summary, [{ path: 'file', message: t('import.chooseFile') }]);
        button.disabled = true;
        form.setAttribute('aria-busy', 'true');
        try {
          const r = await uploadTotalsSheet(Number(round.value), chosen);
          showProblems(form, summary, []);
          result.textContent = t('totals.result', { round: r.round, c: r.created, u: r.updated, s: r.unchanged });
          done();
        } catch (err) {
          showProblems(form, summary, problemsOf(err));
        } finally {
          button.disabled = false;
          form.removeAttribute('aria-busy');
        }
      },
    },
    h('h2', {}, t('totals.upload')),
    h('p', { class: 'muted' }, t('totals.uploadHint')),
    summary,
    h('div', { class: 'grid-2' }, field(requiredLabel(t('common.round')), round, { name: 'round' }), field(requiredLabel(t('totals.file')), file, { name: 'file' })),
    h('div', { class: 'form-actions' }, button),
    result,
  );
  return form;
}
