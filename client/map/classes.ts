/**
 * Class breaks and colours of the choropleth. Pure functions (no DOM, no Leaflet) so the browser tests can
 * recompute the expected class of each ward from the API's numbers.
 *
 * Rates use fixed breaks rather than quantiles so a colour means the same rate in every round and standard
 * (Quận 12 is around 1.5–2 % by the city standard in 2017, domain.md §6; national rates are lower).
 * Change uses a diverging palette centred on "no change": blue = the rate fell (improving), red = it rose.
 */
import type { RatesRow } from '../api/types.ts';

export type Measure = 'poor' | 'nearPoor' | 'combined';
export type MapMode = 'rate' | 'change';

export interface ClassDef {
  /** Stable id, used as data-class on the ward path. */
  id: string;
  color: string;
  /** Lower bound (inclusive) and upper bound (exclusive); null = open. */
  min: number | null;
  max: number | null;
}

export const NO_DATA: ClassDef = { id: 'none', color: '#d9d9d9', min: null, max: null };

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

export function classify(value: number | null | undefined, mode: MapMode): ClassDef {
  if (value === null || value === undefined || Number.isNaN(value)) return NO_DATA;
  for (const c of classesFor(mode)) {
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
