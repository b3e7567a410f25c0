/**
 * The panel beside the map: a ward's numbers for the round (from the same report that coloured the map), its
 * trend over all rounds, and a link to its households. Without a selected ward it shows the district total.
 */
import { getTrend } from '../api/endpoints.ts';
import type { ListBlock, RatesReport, RatesRow, Standard, TrendPoint } from '../api/types.ts';
import { clear, h } from '../dom.ts';
import { fmtInt, fmtPct, t, type MessageKey } from '../i18n/index.ts';
import { href } from '../router.ts';
import { rounds } from '../state.ts';
import { drawTrend } from './trend-chart.ts';

export interface PanelInput {
  report: RatesReport | null;
  ward: string | null;
  round: number;
  standard: Standard;
  onClose: () => void;
}

const trendCache = new Map<Standard, Promise<TrendPoint[]>>();

function trendFor(standard: Standard): Promise<TrendPoint[]> {
  let p = trendCache.get(standard);
  if (!p) {
    const r = rounds();
    p = getTrend(r[0]!, r[r.length - 1]!, standard);
    p.catch(() => trendCache.delete(standard));
    trendCache.set(standard, p);
  }
  return p;
}

/** The trend is cached for one visit of the map page only: edits and imports elsewhere change it. */
export function forgetTrends(): void {
  trendCache.clear();
}

const LINES: { key: keyof ListBlock; label: MessageKey; pct?: boolean }[] = [
  { key: 'start', label: 'panel.start' },
  { key: 'escaped', label: 'panel.escaped' },
  { key: 'fellBack', label: 'panel.fellBack' },
  { key: 'new', label: 'panel.new' },
  { key: 'end', label: 'panel.end' },
  { key: 'rate', label: 'panel.rate', pct: true },
];

function numbersTable(row: RatesRow): HTMLElement {
  const cell = (list: 'poor' | 'nearPoor', key: keyof ListBlock, pct?: boolean) =>
    h('td', { 'data-testid': `panel-${list}-${key}` }, pct ? `${fmtPct(row[list][key])}${row[list][key] === null ? '' : ' %'}` : fmtInt(row[list][key]));
  return h(
    'table',
    { class: 'numbers' },
    h('caption', { class: 'visually-hidden' }, t('panel.numbersCaption')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, t('measure.poor')), h('th', { scope: 'col' }, t('measure.nearPoor')))),
    h(
      'tbody',
      {},
      LINES.map((l) => h('tr', {}, h('th', { scope: 'row' }, t(l.label)), cell('poor', l.key, l.pct), cell('nearPoor', l.key, l.pct))),
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, t('panel.changePp')),
        h('td', { 'data-testid': 'panel-poor-change' }, fmtPct(row.change?.poorRatePp, true)),
        h('td', { 'data-testid': 'panel-nearPoor-change' }, fmtPct(row.change?.nearPoorRatePp, true)),
      ),
    ),
  );
}

export function renderWardPanel(panel: HTMLElement, input: PanelInput): void {
  const row = input.ward ? input.report?.rows.find((r) => r.code === input.ward) : input.report?.total ?? undefined;
  const wardChanged = (panel.dataset.ward ?? '') !== (input.ward ?? '');
  panel.dataset.ward = input.ward ?? '';
  if (!row) {
    panel.replaceChildren(
      h('h2', {}, t('panel.district')),
      h('p', { class: 'muted' }, input.ward ? t('panel.noData') : t('panel.hint')),
    );
    return;
  }
  const heading = input.ward ? row.name : t('panel.district');
  const canvas = h('canvas', { role: 'img', 'aria-label': t('panel.trendLabel', { name: heading }) });
  const trendTable = h('tbody');
  clear(
    panel,
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { 'data-testid': 'panel-title', tabindex: '-1' }, heading),
      input.ward ? h('button', { type: 'button', class: 'link-button', onclick: input.onClose, 'aria-label': t('panel.close') }, '×') : null,
    ),
    h('p', { class: 'muted' }, `${t('common.round')} ${input.round} · ${t(`standard.${input.standard}` as MessageKey)}`),
    h('p', {}, `${t('panel.total')}: `, h('strong', { 'data-testid': 'panel-total' }, fmtInt(row.totalHouseholds))),
    row.totalHouseholds === null ? h('p', { class: 'notice' }, t('panel.noTotal')) : null,
    numbersTable(row),
    h('h3', {}, t('panel.trend')),
    h('div', { class: 'chart-box' }, canvas),
    h('details', {}, h('summary', {}, t('panel.trendTable')), h('table', { class: 'numbers' }, trendTable)),
    input.ward
      ? h(
          'a',
          { class: 'button', 'data-testid': 'panel-households', href: href('/households', { ward: input.ward, round: input.round, standard: input.standard }) },
          t('panel.households'),
        )
      : null,
  );
  // Move focus to the panel only when a new ward was chosen, not when a map control changed.
  if (input.ward && wardChanged) panel.querySelector<HTMLElement>('[data-testid=panel-title]')?.focus({ preventScroll: true });
  const wardCode = input.ward;
  trendFor(input.standard)
    .then((points) => {
      if (!canvas.isConnected) return;
      const pick = (p: TrendPoint) => (wardCode ? p.rows.find((r) => r.code === wardCode) : p.total) ?? null;
      const series = { rounds: points.map((p) => p.round), poor: points.map((p) => pick(p)?.poor.rate ?? null), nearPoor: points.map((p) => pick(p)?.nearPoor.rate ?? null) };
      drawTrend(canvas, series);
      trendTable.replaceChildren(
        h('tr', {}, h('th', {}, t('common.round')), h('th', {}, t('measure.poor')), h('th', {}, t('measure.nearPoor'))),
        ...series.rounds.map((r, i) => h('tr', {}, h('td', {}, String(r)), h('td', {}, fmtPct(series.poor[i])), h('td', {}, fmtPct(series.nearPoor[i])))),
      );
    })
    .catch(() => canvas.replaceWith(h('p', { class: 'muted' }, t('panel.trendUnavailable'))));
}
