/** The rates report for a round and standard (domain.md §5 layout), with downloads of the form and the lists. */
import { downloads, getRates } from '../api/endpoints.ts';
import type { ListBlock, RatesRow, Standard } from '../api/types.ts';
import { clear, h } from '../dom.ts';
import { fmtInt, fmtPct, t, type MessageKey } from '../i18n/index.ts';
import { navigate, type Route } from '../router.ts';
import { rounds } from '../state.ts';
import { alertBox, downloadButton, errorText, pageTitle } from './common.ts';

const STEPS: (keyof ListBlock)[] = ['start', 'escaped', 'fellBack', 'new', 'end'];

/** Count and its share of the ward's total households; a missing total shows the count and no rate. */
function countCells(row: RatesRow, list: 'poor' | 'nearPoor', step: keyof ListBlock): HTMLElement[] {
  const n = row[list][step] as number;
  const b = row[list];
  const pct = { start: b.startRate, escaped: b.escapedRate, fellBack: b.fellBackRate, new: b.newRate, end: b.rate }[step as string] ?? null;
  return [h('td', { class: 'num', 'data-col': `${list}.${step}` }, fmtInt(n)), h('td', { class: 'num pct' }, fmtPct(pct))];
}

function reportRow(row: RatesRow, index: number | null): HTMLElement {
  return h(
    'tr',
    { 'data-ward-code': row.code, class: index === null ? 'total' : null },
    h('td', {}, index === null ? '' : String(index)),
    h(index === null ? 'th' : 'td', { scope: index === null ? 'row' : null }, index === null ? t('reports.districtTotal') : row.name),
    h('td', { class: 'num' }, fmtInt(row.totalHouseholds)),
    STEPS.flatMap((s) => countCells(row, 'poor', s)),
    STEPS.flatMap((s) => countCells(row, 'nearPoor', s)),
  );
}

export async function reportsView(route: Route, outlet: HTMLElement): Promise<void> {
  const all = rounds();
  const q = route.query;
  const round = all.includes(Number(q.get('round'))) ? Number(q.get('round')) : all[all.length - 1]!;
  const standard: Standard = q.get('standard') === 'national' ? 'national' : 'city';
  const go = (r: number, s: Standard) => navigate('/reports', { round: r, standard: s });
  const roundSel = h('select', { id: 'rep-round', onchange: (e: Event) => go(Number((e.target as HTMLSelectElement).value), standard) },
    all.map((r) => h('option', { value: String(r), selected: r === round }, String(r))));
  const stdSel = h('select', { id: 'rep-standard', onchange: (e: Event) => go(round, (e.target as HTMLSelectElement).value as Standard) },
    (['city', 'national'] as const).map((s) => h('option', { value: s, selected: s === standard }, t(`standard.${s}` as MessageKey))));
  // A focusable, named scroll region: keyboard users can scroll the wide table sideways (first columns stay).
  const body = h('div', { class: 'table-scroll report-scroll', role: 'region', tabindex: '0', 'aria-label': t('reports.title'), 'data-testid': 'report' }, h('p', {}, t('common.loading')));

  clear(
    outlet,
    pageTitle(
      'reports.title',
      h('div', { class: 'actions' },
        downloadButton(t('reports.downloadForm'), downloads.ratesXlsx(round, standard), 'download-rates'),
        downloadButton(t('reports.downloadPoor'), downloads.householdsXlsx({ round, standard, category: 'poor' }), 'download-poor'),
        downloadButton(t('reports.downloadNearPoor'), downloads.householdsXlsx({ round, standard, category: 'near_poor' }), 'download-near-poor')),
    ),
    h('form', { class: 'filters', onsubmit: (e: Event) => e.preventDefault() },
      h('div', { class: 'control' }, h('label', { for: roundSel.id }, t('common.round')), roundSel),
      h('div', { class: 'control' }, h('label', { for: stdSel.id }, t('common.standard')), stdSel)),
    // The first round has no previous list: every household on it counts as "new" (domain.md §4).
    round === all[0] ? h('p', { class: 'notice', 'data-testid': 'baseline-note' }, t('reports.baselineNote', { round })) : null,
    body,
  );

  try {
    const report = await getRates(round, standard);
    const stepHeads = () => STEPS.map((s) => h('th', { scope: 'colgroup', colspan: '2' }, t(`panel.${s}` as MessageKey)));
    const subHeads = () => STEPS.flatMap(() => [h('th', { scope: 'col' }, t('reports.count')), h('th', { scope: 'col' }, '%')]);
    body.replaceChildren(
      h('table', { class: 'data-table report-table' },
        h('caption', {}, t('reports.caption', { round, standard: t(`standard.${standard}` as MessageKey) })),
        h('thead', {},
          h('tr', {},
            h('th', { rowspan: '3', scope: 'col' }, t('reports.no')),
            h('th', { rowspan: '3', scope: 'col' }, t('common.ward')),
            h('th', { rowspan: '3', scope: 'col' }, t('panel.total')),
            h('th', { colspan: String(STEPS.length * 2), scope: 'colgroup' }, t('measure.poor')),
            h('th', { colspan: String(STEPS.length * 2), scope: 'colgroup' }, t('measure.nearPoor'))),
          h('tr', {}, stepHeads(), stepHeads()),
          h('tr', {}, subHeads(), subHeads())),
        h('tbody', {}, report.rows.map((r, i) => reportRow(r, i + 1))),
        report.total ? h('tfoot', {}, reportRow(report.total, null)) : null),
    );
  } catch (err) {
    body.replaceChildren(alertBox(errorText(err)));
  }
}
