/**
 * Class breaks and colours of the choropleth. Pure functions (no DOM, no Leaflet) so the browser tests can
 * recompute the expected class of each ward from the API's numbers.
 *
 * Rates are classed by default with breaks computed from the figures shown (quantiles, rounded to readable
 * numbers): with fixed breaks the national standard of 2020 puts all 11 wards of Quận 12 under 0.5 % and the map is
 * one colour. The fixed breaks stay available so a colour means the same rate in every round when comparing years.
 * Change uses a diverging palette centred on "no change": blue = the rate fell (improving), red = it rose.
 */
import type { RatesRow } from '../api/types.ts';

export type Measure = 'poor' | 'nearPoor' | 'combined';
export type MapMode = 'rate' | 'change';
/** 'data': breaks from the figures shown; 'fixed': the same breaks for every round and standard. */
export type Scale = 'data' | 'fixed';

export interface ClassDef {
  /** Stable id, used as data-class on the ward path. */
  id: string;
  color: string;
  /** Lower bound (inclusive) and upper bound (exclusive); null = open. */
  min: number | null;
  max: number | null;
}

export const NO_DATA: ClassDef = { id: 'none', color: '#d9d9d9', min: null, max: null };
/** Wards outside a ward officer's scope: drawn, never coloured by a figure. */
export const OUTSIDE: ClassDef = { id: 'outside', color: '#f4f4f4', min: null, max: null };

/** Sequential (ColorBrewer YlOrRd, 6 classes), in percent of households. */
export const RATE_CLASSES: ClassDef[] = [
  { id: 'r0', color: '#ffffb2', min: null, max: 0.5 },
  { id: 'r1', color: '#fed976', min: 0.5, max: 1 },
  { id: 'r2', color: '#feb24c', min: 1, max: 2 },
  { id: 'r3', color: '#fd8d3c', min: 2, max: 3 },
  { id: 'r4', color: '#f03b20', min: 3, max: 5 },
  { id: 'r5', color: '#bd0026', min: 5, max: null },
];

/** Diverging (ColorBrewer RdBu reversed, 7 classes), in percentage points; a colour-blind-safe pair. */
export const CHANGE_CLASSES: ClassDef[] = [
  { id: 'c-3', color: '#2166ac', min: null, max: -1 },
  { id: 'c-2', color: '#67a9cf', min: -1, max: -0.5 },
  { id: 'c-1', color: '#d1e5f0', min: -0.5, max: -0.1 },
  { id: 'c0', color: '#f7f7f7', min: -0.1, max: 0.1 },
  { id: 'c1', color: '#fddbc7', min: 0.1, max: 0.5 },
  { id: 'c2', color: '#ef8a62', min: 0.5, max: 1 },
  { id: 'c3', color: '#b2182b', min: 1, max: null },
];

export function classesFor(mode: MapMode): ClassDef[] {
  return mode === 'change' ? CHANGE_CLASSES : RATE_CLASSES;
}

/** Five sequential colours (ColorBrewer YlOrRd) for breaks computed from the data. */
const DATA_COLOURS = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];

/** A readable rounding step for breaks spread over `range` percent: 0.05, 0.1, 0.25, 0.5 or 1. */
export function breakStep(range: number): number {
  return range < 0.5 ? 0.05 : range < 2 ? 0.1 : range < 5 ? 0.25 : range < 10 ? 0.5 : 1;
}

/**
 * Quantile breaks (quintiles) of the values, rounded to a readable step, duplicates dropped: at most five classes,
 * each holding about as many wards. Fewer than two distinct values give the fixed classes.
 */
export function dataClasses(values: number[]): ClassDef[] {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (new Set(sorted).size < 2) return RATE_CLASSES;
  const step = breakStep(sorted[sorted.length - 1]! - sorted[0]!);
  const round = (x: number) => Math.round(Math.round(x / step) * step * 1000) / 1000;
  const breaks: number[] = [];
  for (const q of [0.2, 0.4, 0.6, 0.8]) {
    const b = round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    if (b > sorted[0]! && b <= sorted[sorted.length - 1]! && !breaks.includes(b)) breaks.push(b);
  }
  const bounds = [null, ...breaks, null];
  return bounds.slice(0, -1).map((min, i) => ({ id: `q${i}`, color: DATA_COLOURS[Math.round((i * (DATA_COLOURS.length - 1)) / Math.max(1, breaks.length))]!, min, max: bounds[i + 1]! }));
}

/** The classes of a map: change is always the fixed diverging scale; rates follow the chosen scale. */
export function breaksFor(mode: MapMode, scale: Scale, values: (number | null)[]): ClassDef[] {
  if (mode === 'change' || scale === 'fixed') return classesFor(mode);
  return dataClasses(values.filter((v): v is number => v !== null));
}

export function classify(value: number | null | undefined, mode: MapMode, classes: ClassDef[] = classesFor(mode)): ClassDef {
  if (value === null || value === undefined || Number.isNaN(value)) return NO_DATA;
  for (const c of classes) {
    if ((c.min === null || value >= c.min) && (c.max === null || value < c.max)) return c;
  }
  return NO_DATA;
}

/** a ÷ b rounded half away from zero to 2 decimals, as the server rounds rates (exact for counts this size). */
function ratio2(numerator: number, denominator: number): number {
  const x = (numerator * 100) / denominator;
  return (Math.sign(x) * Math.round(Math.abs(x))) / 100;
}

/** The number a ward is coloured by, from one row of GET /api/reports/rates. */
export function valueOf(row: RatesRow | undefined, measure: Measure, mode: MapMode): number | null {
  if (!row) return null;
  if (mode === 'change') {
    if (measure === 'poor') return row.change?.poorRatePp ?? null;
    if (measure === 'nearPoor') return row.change?.nearPoorRatePp ?? null;
    // Combined change from the counts (end/total − start/previous total), like the server computes each list's.
    const total = row.totalHouseholds;
    const prev = row.previousTotalHouseholds ?? null;
    if (row.change?.poorRatePp === null || row.change?.poorRatePp === undefined || !total || !prev) return null;
    const end = row.poor.end + row.nearPoor.end;
    const start = row.poor.start + row.nearPoor.start;
    return ratio2((end * prev - start * total) * 100, total * prev);
  }
  if (measure === 'poor') return row.poor.rate;
  if (measure === 'nearPoor') return row.nearPoor.rate;
  // Both lists share the ward's total households as denominator, so the combined rate is computed from counts.
  if (!row.totalHouseholds) return null;
  return ratio2((row.poor.end + row.nearPoor.end) * 100, row.totalHouseholds);
}
