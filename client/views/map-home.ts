/**
 * Home: the ward choropleth for a chosen round, standard, list (poor / near-poor / both) and mode (rate or change
 * from the previous round), with its legend, and the ward panel beside it. The choices live in the hash query so
 * a reload, a language switch or a shared link shows the same map.
 */
import { getRates } from '../api/endpoints.ts';
import type { RatesReport, Standard } from '../api/types.ts';
import { ApiError } from '../api/http.ts';
import { h } from '../dom.ts';
import { fmtInt, fmtPct, loc, t, type MessageKey } from '../i18n/index.ts';
import { breaksFor, valueOf, type MapMode, type Measure, type Scale } from '../map/classes.ts';
import { WardChoropleth, type WardStyleInput } from '../map/choropleth.ts';
import { legend } from '../map/legend.ts';
import { href, type Route } from '../router.ts';
import { rounds, state } from '../state.ts';
import { forgetTrends, renderWardPanel } from './ward-panel.ts';

interface MapChoice {
  round: number;
  standard: Standard;
  measure: Measure;
  mode: MapMode;
  scale: Scale;
  ward: string | null;
}

/** How many households the figure counts (the end-of-round list size). */
function countOf(row: RatesReport['rows'][number], measure: Measure): number {
  if (measure === 'poor') return row.poor.end;
  if (measure === 'nearPoor') return row.nearPoor.end;
  return row.poor.end + row.nearPoor.end;
}

/** A ward officer sees the own ward only: the others are drawn as outside the scope. */
const ownWard = () => (state.user?.role === 'ward' ? (state.user.wardCode ?? null) : null);

function readChoice(q: URLSearchParams): MapChoice {
  const all = rounds();
  const round = Number(q.get('round'));
  return {
    round: all.includes(round) ? round : all[all.length - 1]!,
    standard: q.get('standard') === 'national' ? 'national' : 'city',
    measure: (['poor', 'nearPoor', 'combined'] as const).find((m) => m === q.get('measure')) ?? 'poor',
    mode: q.get('mode') === 'change' ? 'change' : 'rate',
    scale: q.get('scale') === 'fixed' ? 'fixed' : 'data',
    // A ward officer's map opens on the own ward.
    ward: q.get('ward') ?? ownWard(),
  };
}

function select<T extends string | number>(name: string, label: string, value: T, options: { value: T; text: string }[], onChange: (v: string) => void): HTMLElement {
  const el = h(
    'select',
    { id: `map-${name}`, name, 'data-testid': `map-${name}`, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) },
    options.map((o) => h('option', { value: String(o.value), selected: o.value === value }, o.text)),
  );
  return h('div', { class: 'control' }, h('label', { for: el.id }, label), el);
}

/** A round with neither totals nor anyone on a list: a new installation, or a round not entered yet. */
function isEmpty(report: RatesReport): boolean {
  return report.rows.every((r) => r.totalHouseholds === null && r.poor.end === 0 && r.nearPoor.end === 0);
}

export async function mapView(route: Route, outlet: HTMLElement): Promise<void> {
  const choice = readChoice(route.query);
  forgetTrends();
  const mapEl = h('div', { class: 'map', id: 'ward-map', 'data-testid': 'ward-map', role: 'region', 'aria-label': t('map.regionLabel') });
  const panel = h('aside', { class: 'ward-panel', 'data-testid': 'ward-panel', 'aria-live': 'polite', 'aria-label': t('panel.label') });
  const status = h('p', { class: 'map-status', role: 'status', 'data-testid': 'map-status' });
  const schematic = state.wards.some((w) => w.properties.boundary === 'schematic');

  const controls = h(
    'form',
    { class: 'map-controls', onsubmit: (e: Event) => e.preventDefault(), 'aria-label': t('map.controls') },
    select('round', t('common.round'), choice.round, rounds().map((r) => ({ value: r, text: String(r) })), (v) => update({ round: Number(v) })),
    select('standard', t('common.standard'), choice.standard, [
      { value: 'city', text: t('standard.city') },
      { value: 'national', text: t('standard.national') },
    ], (v) => update({ standard: v as Standard })),
    select('measure', t('map.measure'), choice.measure, (['poor', 'nearPoor', 'combined'] as const).map((m) => ({ value: m, text: t(`measure.${m}` as MessageKey) })), (v) =>
      update({ measure: v as Measure }),
    ),
    select('mode', t('map.mode'), choice.mode, [
      { value: 'rate', text: t('map.mode.rate') },
      { value: 'change', text: t('map.mode.change') },
    ], (v) => update({ mode: v as MapMode })),
    select('scale', t('map.scale'), choice.scale, [
      { value: 'data', text: t('map.scale.data') },
      { value: 'fixed', text: t('map.scale.fixed') },
    ], (v) => update({ scale: v as Scale })),
  );
  const legendBox = h('div', { class: 'legend-box', 'data-testid': 'legend-box' });

  outlet.replaceChildren(
    h('h1', { class: 'visually-hidden' }, t('map.title')),
    h(
      'div',
      { class: 'map-layout' },
      h(
        'section',
        { class: 'map-column' },
        controls,
        status,
        mapEl,
        legendBox,
        schematic ? h('p', { class: 'schematic-note', 'data-testid': 'schematic-note' }, t('map.schematic')) : null,
      ),
      panel,
    ),
  );

  const map = new WardChoropleth(mapEl, { type: 'FeatureCollection', features: state.wards }, {
    tileUrl: state.settings?.tileUrl ?? null,
    tileAttribution: state.settings?.tileAttribution ?? '',
    onSelect: (code) => {
      void update({ ward: code });
      // On a phone the panel is below the map: bring it into view.
      if (window.matchMedia('(max-width: 1000px)').matches) panel.scrollIntoView({ block: 'start' });
    },
  });
  // Leaflet has been removed from the DOM when the page changes; free it then.
  const observer = new MutationObserver(() => {
    if (!mapEl.isConnected) {
      observer.disconnect();
      map.destroy();
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });

  let report: RatesReport | null = null;
  let loadedKey = '';

  async function update(patch: Partial<MapChoice>): Promise<void> {
    Object.assign(choice, patch);
    history.replaceState(null, '', href('/', { round: choice.round, standard: choice.standard, measure: choice.measure, mode: choice.mode, scale: choice.scale === 'data' ? null : choice.scale, ward: choice.ward }));
    const key = `${choice.round}|${choice.standard}`;
    if (key !== loadedKey) {
      status.textContent = t('common.loading');
      mapEl.setAttribute('aria-busy', 'true');
      try {
        report = await getRates(choice.round, choice.standard);
        loadedKey = key;
        status.textContent = '';
      } catch (err) {
        report = null;
        loadedKey = '';
        status.textContent = `${t('map.loadFailed')} ${err instanceof ApiError ? loc(err.text) : ''}`;
      } finally {
        mapEl.removeAttribute('aria-busy');
      }
    }
    paint();
  }

  function paint(): void {
    const values = new Map<string, WardStyleInput>();
    const own = ownWard();
    for (const row of report?.rows ?? []) {
      if (own && row.code !== own) continue;
      const value = valueOf(row, choice.measure, choice.mode);
      const shown = value === null ? t('map.noData') : `${fmtPct(value, choice.mode === 'change')} ${choice.mode === 'change' ? t('map.unit.pp') : '%'}`;
      values.set(row.code, { value, label: `${row.name}: ${shown} · ${t('map.households', { n: fmtInt(countOf(row, choice.measure)) })}` });
    }
    for (const w of state.wards) {
      const code = w.properties.code;
      if (own && code !== own) values.set(code, { value: null, label: `${w.properties.name}: ${t('map.outside')}`, outside: true });
      else if (!values.has(code)) values.set(code, { value: null, label: `${w.properties.name}: ${t('map.noData')}` });
    }
    const shownValues = [...values.values()].filter((v) => !v.outside).map((v) => v.value);
    const classes = map.recolor(choice.mode, values, breaksFor(choice.mode, choice.scale, shownValues));
    const title = `${t(`measure.${choice.measure}` as MessageKey)} · ${choice.round} · ${t(`standard.${choice.standard}` as MessageKey)}`;
    const note = choice.mode === 'change' ? t('map.scale.changeNote') : choice.scale === 'data' ? t('map.scale.dataNote') : t('map.scale.fixedNote');
    legendBox.replaceChildren(legend(choice.mode, classes, `${title}${choice.mode === 'change' ? ` · ${t('map.mode.change')}` : ''}`, note, Boolean(own)));
    mapEl.dataset.scale = choice.scale;
    mapEl.dataset.round = String(choice.round);
    mapEl.dataset.standard = choice.standard;
    mapEl.dataset.measure = choice.measure;
    mapEl.dataset.mode = choice.mode;
    if (report) status.textContent = '';
    if (choice.mode === 'change' && choice.round === rounds()[0]) status.textContent = t('map.noPreviousRound');
    else if (report && isEmpty(report)) status.replaceChildren(t('map.empty'), ' ', h('a', { href: '#/import' }, t('nav.import')));
    map.select(choice.ward);
    renderWardPanel(panel, {
      report,
      ward: choice.ward,
      round: choice.round,
      standard: choice.standard,
      onClose: () => void update({ ward: null }),
    });
    map.invalidate();
  }

  await update({});
}
