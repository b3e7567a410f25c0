import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The GSO code list of Ho Chi Minh City's units (shipped from shared/data, see its SOURCES.md): lets a GeoJSON file
 * that names its district and province in words be tied to the official codes.
 */
export interface UnitCatalogue {
  province: { code: string; name: string };
  districts: { code: string; name: string; wards: { code: string; name: string }[] }[];
}

export const SEED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../db/seed');
export const DEFAULT_BOUNDARIES = path.join(SEED_DIR, 'quan12-wards.geojson');
export const HCMC_CATALOGUE = path.join(SEED_DIR, 'hcmc-admin-units.json');

let cached: UnitCatalogue | null = null;
export function hcmcCatalogue(): UnitCatalogue {
  cached ??= JSON.parse(fs.readFileSync(HCMC_CATALOGUE, 'utf8')) as UnitCatalogue;
  return cached;
}

export function findWardInCatalogue(code: string): { provinceCode: string; provinceName: string; districtCode: string; districtName: string; name: string } | null {
  const cat = hcmcCatalogue();
  for (const d of cat.districts) {
    const w = d.wards.find((x) => x.code === code);
    if (w) return { provinceCode: cat.province.code, provinceName: cat.province.name, districtCode: d.code, districtName: d.name, name: w.name };
  }
  return null;
}
