/**
 * Leaflet wrapper: the district's wards as a choropleth. Each ward is one SVG path carrying data attributes
 * (ward code, class id, fill colour, value) so tests and assistive tools can read what the colour means.
 * Without a tile URL the map draws polygons on a plain background and needs no network.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { WardCollection, WardFeature } from '../api/types.ts';
import { classify, classesFor, type ClassDef, type MapMode } from './classes.ts';

export interface ChoroplethOptions {
  tileUrl: string | null;
  tileAttribution: string;
  onSelect: (code: string) => void;
}

export interface WardStyleInput {
  value: number | null;
  label: string;
}

const BASE_STYLE: L.PathOptions = { weight: 1.5, color: '#4a4a4a', opacity: 1, fillOpacity: 0.85 };
const HOVER_STYLE: L.PathOptions = { weight: 4, color: '#111111' };
const SELECTED_STYLE: L.PathOptions = { weight: 4, color: '#0b3d91', dashArray: '' };

export class WardChoropleth {
  readonly map: L.Map;
  private readonly layers = new Map<string, L.Path>();
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
  }

  private bindWard(feature: WardFeature, layer: L.Path): void {
    const code = feature.properties.code;
    this.layers.set(code, layer);
    // Leaflet reads a string as HTML; ward names come from an imported file, so it gets a text node (issue 13).
    layer.bindTooltip(textLabel(feature.properties.name), { sticky: true, direction: 'top' });
    layer.on({
      mouseover: () => this.highlight(code, true),
      mouseout: () => this.highlight(code, false),
      click: () => this.opts.onSelect(code),
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
          this.opts.onSelect(code);
        }
      });
      el.addEventListener('focus', () => this.highlight(code, true));
      el.addEventListener('blur', () => this.highlight(code, false));
    });
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

  /** Colours every ward by its value; returns the classes in use (for the legend). */
  recolor(mode: MapMode, values: Map<string, WardStyleInput>): ClassDef[] {
    for (const [code, layer] of this.layers) {
      const input = values.get(code);
      const cls = classify(input?.value ?? null, mode);
      layer.setStyle({ fillColor: cls.color });
      const el = layer.getElement();
      if (el) {
        el.setAttribute('data-class', cls.id);
        el.setAttribute('data-fill', cls.color);
        el.setAttribute('data-value', input?.value === null || input?.value === undefined ? '' : String(input.value));
        el.setAttribute('aria-label', input?.label ?? code);
      }
    }
    return classesFor(mode);
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
export function textLabel(text: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}
