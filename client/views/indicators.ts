/** Indicator labels from the criteria sets (GET /api/criteria), merged across standards, in the page language. */
import { getCriteria } from '../api/endpoints.ts';
import type { CriteriaSet, Indicator } from '../api/types.ts';
import { lang } from '../i18n/index.ts';

let cached: Promise<CriteriaSet[]> | null = null;

export function criteriaSets(): Promise<CriteriaSet[]> {
  cached ??= getCriteria().catch((err) => {
    cached = null;
    throw err;
  });
  return cached;
}

/** Every indicator of the newest version of each set, once per code, with the standards that use it. */
export async function allIndicators(): Promise<(Indicator & { standards: string[] })[]> {
  const sets = await criteriaSets().catch(() => [] as CriteriaSet[]);
  const newest = new Map<string, CriteriaSet>();
  for (const s of sets) if (!newest.has(s.id) || newest.get(s.id)!.version < s.version) newest.set(s.id, s);
  const out = new Map<string, Indicator & { standards: string[] }>();
  for (const s of newest.values()) {
    for (const i of s.indicators ?? []) {
      const seen = out.get(i.code);
      if (seen) {
        if (!seen.standards.includes(s.standard)) seen.standards.push(s.standard);
      } else out.set(i.code, { ...i, standards: [s.standard] });
    }
  }
  return [...out.values()];
}

export async function indicatorLabels(): Promise<Map<string, string>> {
  const list = await allIndicators();
  return new Map(list.map((i) => [i.code, lang() === 'en' ? i.en : i.vi]));
}
