/**
 * Leaflet wrapper: the district's wards as a choropleth. Each ward is one SVG path carrying data attributes
 * (ward code, class id, fill colour, value) so tests and assistive tools can read what the colour means.
 * Without a tile URL the map draws polygons on a plain background and needs no network.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { WardCollection, WardFeature } from '../api/types.ts';
import { classify, OUTSIDE, type ClassDef, type MapMode } from './classes.ts';

export interface ChoroplethOptions {
  tileUrl: string | null;
  tileAttribution: string;
  onSelect: (code: string) => void;
}

export interface WardStyleInput {
  value: number | null;
  /** What the tooltip and screen readers say: name, figure and count. */
  label: string;
  /** Outside a ward officer's scope: drawn plain and not selectable. */
  outside?: boolean;
}

const BASE_STYLE: L.PathOptions = { weight: 1.5, color: '#4a4a4a', opacity: 1, fillOpacity: 0.85 };
const HOVER_STYLE: L.PathOptions = { weight: 4, color: '#111111' };
const SELECTED_STYLE: L.PathOptions = { weight: 4, color: '#0b3d91', dashArray: '' };

export class WardChoropleth {
  readonly map: L.Map;
  private readonly layers = new Map<string, L.Path>();
  private readonly tooltips = new Map<string, HTMLElement>();
  private readonly labels: { code: string; el: HTMLElement; area: number }[] = [];
  private readonly outside = new Set<string>();
  private selected: string | null = null;

  constructor(container: HTMLElement, wards: WardCollection, private readonly opts: ChoroplethOptions) {
    this.map = L.map(container, { zoomSnap: 0.25, attributionControl: true, keyboard: true });
    if (opts.tileUrl) {
      L.tileLayer(opts.tileUrl, { attribution: opts.tileAttribution, maxZoom: 18 }).addTo(this.map);
    }
    const withGeometry = { ...wards, features: wards.features.filter((f) => f.geometry) };
    const group = L.geoJSON(withGeometry as unknown as GeoJSON.FeatureCollection, {
      style: () => ({ ...BASE_STYLE, fillColor: '#d9d9d9' }),
      onEachFeature: (feature, layer) => this.bindWard(feature as unknown as WardFeature, layer as L.Path),
    }).addTo(this.map);
    const bounds = group.getBounds();
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [8, 8] });
    else this.map.setView([10.86, 106.66], 12);
    this.addLabels(withGeometry.features);
    this.map.on('zoomend moveend resize', () => this.declutterLabels());
  }

  /** Ward names at each ward's centre; not interactive, so clicks and keys reach the ward underneath. */
  private addLabels(features: WardFeature[]): void {
    for (const f of features) {
      const layer = this.layers.get(f.properties.code) as L.Polygon | undefined;
      if (!layer) continue;
      const b = layer.getBounds();
      const el = textLabel(f.properties.name.replace(/^Phường\s+/, ''), 'ward-label-text');
      el.setAttribute('aria-hidden', 'true');
      L.marker(b.getCenter(), { icon: L.divIcon({ className: 'ward-label', html: el, iconSize: undefined }), interactive: false, keyboard: false }).addTo(this.map);
      this.labels.push({ code: f.properties.code, el, area: (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest()) });
    }
    this.labels.sort((a, b) => b.area - a.area);
    this.declutterLabels();
  }

  /** Greedy: larger wards keep their label; a label overlapping one already shown is hidden at this zoom. */
  declutterLabels(): void {
    const shown: DOMRect[] = [];
    for (const l of this.labels) {
      l.el.style.visibility = 'visible';
      const r = l.el.getBoundingClientRect();
      const hits = shown.some((s) => r.left < s.right + 2 && r.right + 2 > s.left && r.top < s.bottom && r.bottom > s.top);
      l.el.style.visibility = hits ? 'hidden' : 'visible';
      l.el.dataset.shown = String(!hits);
      if (!hits) shown.push(r);
    }
  }

  private bindWard(feature: WardFeature, layer: L.Path): void {
    const code = feature.properties.code;
    this.layers.set(code, layer);
    // Leaflet reads a string as HTML; ward names come from an imported file, so it gets a text node (issue 13).
    layer.bindTooltip(textLabel(feature.properties.name, 'ward-tip'), { sticky: true, direction: 'top' });
    this.tooltips.set(code, layer.getTooltip()!.getContent() as HTMLElement);
    layer.on({
      mouseover: () => this.highlight(code, true),
      mouseout: () => this.highlight(code, false),
      click: () => this.choose(code),
    });
    layer.on('add', () => {
      const el = layer.getElement() as SVGPathElement | undefined;
      if (!el) return;
      el.setAttribute('data-ward-code', code);
      el.setAttribute('tabindex', '0');
      el.setAttribute('role', 'button');
      el.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.choose(code);
        }
      });
      el.addEventListener('focus', () => this.highlight(code, true));
      el.addEventListener('blur', () => this.highlight(code, false));
    });
  }

  /** Wards outside the officer's scope open nothing. */
  private choose(code: string): void {
    if (!this.outside.has(code)) this.opts.onSelect(code);
  }

  private highlight(code: string, on: boolean): void {
    const layer = this.layers.get(code);
    if (!layer) return;
    // No bringToFront on hover: re-inserting the path under a still pointer fires mouseout/mouseover again and
    // leaves stray tooltips open. The selected ward is raised once, in select().
    if (on) {
      layer.setStyle(HOVER_STYLE);
    } else {
      layer.setStyle(code === this.selected ? SELECTED_STYLE : { weight: BASE_STYLE.weight, color: BASE_STYLE.color });
    }
  }

  /** Colours every ward by its value in `classes`; returns them (for the legend). */
  recolor(mode: MapMode, values: Map<string, WardStyleInput>, classes: ClassDef[]): ClassDef[] {
    this.outside.clear();
    for (const [code, layer] of this.layers) {
      const input = values.get(code);
      if (input?.outside) this.outside.add(code);
      const cls = input?.outside ? OUTSIDE : classify(input?.value ?? null, mode, classes);
      layer.setStyle({ fillColor: cls.color, dashArray: input?.outside ? '4 4' : '' });
      const tip = this.tooltips.get(code);
      if (tip) tip.textContent = input?.label ?? code;
      const el = layer.getElement();
      if (el) {
        if (input?.outside) el.setAttribute('aria-disabled', 'true');
        else el.removeAttribute('aria-disabled');
        el.setAttribute('data-class', cls.id);
        el.setAttribute('data-fill', cls.color);
        el.setAttribute('data-value', input?.value === null || input?.value === undefined ? '' : String(input.value));
        el.setAttribute('aria-label', input?.label ?? code);
      }
    }
    return classes;
  }

  select(code: string | null): void {
    const previous = this.selected;
    this.selected = code;
    if (previous) this.highlight(previous, false);
    if (code) {
      this.highlight(code, false);
      this.layers.get(code)?.bringToFront();
    }
    for (const [c, layer] of this.layers) layer.getElement()?.setAttribute('aria-pressed', String(c === code));
  }

  /** Leaflet measures its container once; call after the layout around the map changes (panel opened). */
  invalidate(): void {
    this.map.invalidateSize();
  }

  destroy(): void {
    this.map.remove();
  }
}

/** An element holding `text` as text: what Leaflet tooltips and popups get, never an HTML string built from data. */
export function textLabel(text: string, className?: string): HTMLElement {
  const span = document.createElement('span');
  if (className) span.className = className;
  span.textContent = text;
  return span;
}
