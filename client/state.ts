/** What every page may need, loaded once at start: public settings, the wards, and the signed-in user. */
import type { Settings, User, WardFeature } from './api/types.ts';

export const state: {
  settings: Settings | null;
  user: User | null;
  wards: WardFeature[];
} = { settings: null, user: null, wards: [] };

export function wardName(code: string | null | undefined): string {
  if (!code) return '';
  return state.wards.find((w) => w.properties.code === code)?.properties.name ?? code;
}

export function rounds(): number[] {
  const r = state.settings?.rounds ?? { min: 2015, max: 2020 };
  const out: number[] = [];
  for (let y = r.min; y <= r.max; y++) out.push(y);
  return out;
}

/** Wards the user may pick: a ward officer only has their own. */
export function wardsInScope(): WardFeature[] {
  const u = state.user;
  if (u?.role === 'ward') return state.wards.filter((w) => w.properties.code === u.wardCode);
  return state.wards;
}
