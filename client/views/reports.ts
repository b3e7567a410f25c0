/**
 * The rates report for a round and standard (domain.md §5 layout), compared with the previous round or any earlier
 * one (issue 15), with downloads of the form and the lists.
 */
import { downloads, getRates } from '../api/endpoints.ts';
import type { Standard } from '../api/types.ts';
import { clear, h } from '../dom.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { navigate, type Route } from '../router.ts';
import { rounds } from '../state.ts';
import { alertBox, downloadButton, errorText, pageTitle } from './common.ts';
import { isCompared, reportTable } from './reports-table.ts';

export async function reportsView(route: Route, outlet: HTMLElement): Promise<void> {
  const all = rounds();
  const q = route.query;
  const round = all.includes(Number(q.get('round'))) ? Number(q.get('round')) : all[all.length - 1]!;
  const standard: Standard = q.get('standard') === 'national' ? 'national' : 'city';
  // The round compared with: any earlier round, the previous one by default; none in the baseline round.
  const earlier = all.filter((r) => r < round);
  const from = earlier.includes(Number(q.get('from'))) ? Number(q.get('from')) : earlier[earlier.length - 1];
  const compared = from !== undefined && from !== round - 1;
  const go = (r: number, s: Standard, f?: number) => navigate('/reports', { round: r, standard: s, from: f !== undefined && f !== r - 1 ? f : null });

  const roundSel = h('select', { id: 'rep-round', onchange: (e: Event) => go(Number((e.target as HTMLSelectElement).value), standard) },
    all.map((r) => h('option', { value: String(r), selected: r === round }, String(r))));
  const stdSel = h('select', { id: 'rep-standard', onchange: (e: Event) => go(round, (e.target as HTMLSelectElement).value as Standard, from) },
    (['city', 'national'] as const).map((s) => h('option', { value: s, selected: s === standard }, t(`standard.${s}` as MessageKey))));
  const fromSel = earlier.length === 0
    ? null
    : h('select', { id: 'rep-from', 'data-testid': 'report-from', onchange: (e: Event) => go(round, standard, Number((e.target as HTMLSelectElement).value)) },
        [...earlier].reverse().map((r) => h('option', { value: String(r), selected: r === from }, r === round - 1 ? t('reports.previousRound', { round: r }) : String(r))));
  // A focusable, named scroll region: keyboard users can scroll the wide table sideways (first columns stay).
  const body = h('div', { class: 'table-scroll report-scroll', role: 'region', tabindex: '0', 'aria-label': t('reports.title'), 'data-testid': 'report' }, h('p', {}, t('common.loading')));

  clear(
    outlet,
    pageTitle(
      'reports.title',
      h('div', { class: 'actions' },
        downloadButton(t('reports.downloadForm'), downloads.ratesXlsx(round, standard, compared ? from : undefined), 'download-rates'),
        downloadButton(t('reports.downloadPoor'), downloads.householdsXlsx({ round, standard, category: 'poor' }), 'download-poor'),
        downloadButton(t('reports.downloadNearPoor'), downloads.householdsXlsx({ round, standard, category: 'near_poor' }), 'download-near-poor')),
    ),
    h('form', { class: 'filters', onsubmit: (e: Event) => e.preventDefault() },
      h('div', { class: 'control' }, h('label', { for: roundSel.id }, t('common.round')), roundSel),
      fromSel ? h('div', { class: 'control' }, h('label', { for: fromSel.id }, t('reports.compareWith')), fromSel) : null,
      h('div', { class: 'control' }, h('label', { for: stdSel.id }, t('common.standard')), stdSel)),
    // The first round has no previous list: every household on it counts as "new" (domain.md §4).
    earlier.length === 0 ? h('p', { class: 'notice', 'data-testid': 'baseline-note' }, t('reports.baselineNote', { round })) : null,
    // Two rounds further apart: say what escaped / fell back / new mean between them.
    compared ? h('p', { class: 'notice', 'data-testid': 'compared-note' }, t('reports.comparedNote', { round, from: from! })) : null,
    body,
  );

  try {
    const report = await getRates(round, standard, compared ? from : undefined);
    const standardName = t(`standard.${standard}` as MessageKey);
    const caption = isCompared(report) ? t('reports.captionCompared', { round, from: report.from!, standard: standardName }) : t('reports.caption', { round, standard: standardName });
    body.replaceChildren(
      reportTable(report, caption),
      report.total?.flags?.includes('NOT_ALL_APPROVED') ? h('p', { class: 'muted', 'data-testid': 'not-all-approved' }, t('reports.notAllApproved')) : '',
    );
  } catch (err) {
    body.replaceChildren(alertBox(errorText(err)));
  }
}
