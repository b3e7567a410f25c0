/** The map legend: one swatch per class with its bounds and unit, plus "no data". */
import { h } from '../dom.ts';
import { fmtPct, t } from '../i18n/index.ts';
import { NO_DATA, OUTSIDE, type ClassDef, type MapMode } from './classes.ts';

function rangeLabel(c: ClassDef, unit: string, signed: boolean): string {
  const f = (n: number) => fmtPct(n, signed);
  if (c.min === null && c.max !== null) return `< ${f(c.max)} ${unit}`;
  if (c.max === null && c.min !== null) return `≥ ${f(c.min)} ${unit}`;
  return `${f(c.min!)} – < ${f(c.max!)} ${unit}`;
}

/** `note` says how the breaks were chosen; `outside` adds the swatch of wards outside a ward officer's scope. */
export function legend(mode: MapMode, classes: ClassDef[], title: string, note = '', outside = false): HTMLElement {
  const unit = mode === 'change' ? t('map.unit.pp') : '%';
  const rows = classes.map((c) =>
    h('li', { 'data-class': c.id }, h('span', { class: 'swatch', style: { background: c.color } }), rangeLabel(c, unit, mode === 'change')),
  );
  rows.push(h('li', { 'data-class': NO_DATA.id }, h('span', { class: 'swatch', style: { background: NO_DATA.color } }), t('map.noData')));
  if (outside) rows.push(h('li', { 'data-class': OUTSIDE.id }, h('span', { class: 'swatch outside', style: { background: OUTSIDE.color } }), t('map.outside')));
  return h(
    'div',
    { class: 'legend', role: 'group', 'aria-label': t('map.legend') },
    h('strong', {}, title),
    mode === 'change' ? h('div', { class: 'legend-ends' }, h('span', {}, `◀ ${t('map.improving')}`), h('span', {}, `${t('map.worsening')} ▶`)) : null,
    h('ul', {}, rows),
    note ? h('p', { class: 'legend-note', 'data-testid': 'legend-note' }, note) : null,
  );
}
