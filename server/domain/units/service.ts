import type { Db } from '../../db/client.ts';
import { inTransaction } from '../../db/tx.ts';
import { errors, type ErrorDetail } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import { bumpDataVersion } from '../data-version.ts';
import type { Ctx } from '../../context.ts';
import { findWardInCatalogue, hcmcCatalogue } from './catalogue.ts';
import * as repo from './repository.ts';

interface Feature {
  type: 'Feature';
  properties: Record<string, unknown> | null;
  geometry: { type: string; coordinates: unknown } | null;
}

export interface UnitsImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

type Who = Pick<Ctx, 'actor' | 'requestId'>;

/**
 * Loads or updates wards from a GeoJSON FeatureCollection whose features carry `code`, `name`, `district`,
 * `province` (and optionally `districtCode`, `provinceCode`, `boundary`). Codes are resolved against the official
 * HCMC list when the file names units in words. All or nothing; re-importing the same file changes nothing.
 */
export async function importUnitsGeoJson(db: Db, who: Who, geojson: unknown): Promise<UnitsImportResult> {
  const fc = geojson as { type?: string; features?: Feature[] };
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw errors.validation([{ path: 'type', message: { vi: 'Tệp phải là GeoJSON FeatureCollection', en: 'The file must be a GeoJSON FeatureCollection' } }]);
  }
  const problems: ErrorDetail[] = [];
  const inputs = fc.features.map((f, i) => {
    const p = f.properties ?? {};
    const code = String(p.code ?? '').trim();
    const known = findWardInCatalogue(code);
    const districtCode = String(p.districtCode ?? p.district_code ?? known?.districtCode ?? '').trim();
    const provinceCode = String(p.provinceCode ?? p.province_code ?? known?.provinceCode ?? '').trim();
    if (!/^\d{5}$/.test(code)) problems.push({ path: `features[${i}].properties.code`, message: { vi: 'Mã phường phải có 5 chữ số', en: 'Ward code must have 5 digits' } });
    if (!districtCode || !provinceCode)
      problems.push({ path: `features[${i}].properties`, message: { vi: 'Không xác định được mã quận/tỉnh', en: 'Cannot resolve district/province codes (add districtCode and provinceCode)' } });
    const geomOk = !f.geometry || ['Polygon', 'MultiPolygon'].includes(f.geometry.type);
    if (!geomOk) problems.push({ path: `features[${i}].geometry`, message: { vi: 'Chỉ nhận Polygon/MultiPolygon', en: 'Only Polygon/MultiPolygon geometries' } });
    return {
      ward: {
        code,
        districtCode,
        name: String(p.name ?? known?.name ?? code).normalize('NFC'),
        geometry: f.geometry ?? null,
        boundary: typeof p.boundary === 'string' ? p.boundary : 'official',
      },
      provinceCode,
      provinceName: String(p.province ?? known?.provinceName ?? provinceCode).normalize('NFC'),
      districtName: String(p.district ?? known?.districtName ?? districtCode).normalize('NFC'),
    };
  });
  if (problems.length) throw errors.validation(problems);

  return inTransaction(db, async (tx) => {
    const result: UnitsImportResult = { created: 0, updated: 0, unchanged: 0 };
    const seenDistricts = new Set<string>();
    for (const input of inputs) {
      if (!seenDistricts.has(input.ward.districtCode)) {
        seenDistricts.add(input.ward.districtCode);
        await repo.upsertProvince(tx, input.provinceCode, input.provinceName);
        await repo.upsertDistrict(tx, input.ward.districtCode, input.provinceCode, input.districtName);
      }
      const outcome = await repo.upsertWard(tx, input.ward);
      result[outcome]++;
      if (outcome !== 'unchanged') {
        // Ward names and the list of wards are in every report: district-wide.
        await bumpDataVersion(tx);
        await recordAudit(tx, who, { action: outcome === 'created' ? 'create' : 'update', entity: 'ward', entityId: input.ward.code, wardCode: input.ward.code, after: { name: input.ward.name, boundary: input.ward.boundary } });
      }
    }
    return result;
  });
}

/** Loads every HCMC unit of the official list (codes and names, no geometry): city-scale tests and benchmarks. */
export async function importHcmcCatalogue(db: Db): Promise<number> {
  const cat = hcmcCatalogue();
  return inTransaction(db, async (tx) => {
    await repo.upsertProvince(tx, cat.province.code, cat.province.name);
    let n = 0;
    for (const d of cat.districts) {
      await repo.upsertDistrict(tx, d.code, cat.province.code, d.name);
      for (const w of d.wards) {
        const existing = await repo.findWard(tx, w.code);
        if (!existing) await repo.upsertWard(tx, { code: w.code, districtCode: d.code, name: w.name, geometry: null, boundary: null });
        n++;
      }
    }
    await bumpDataVersion(tx);
    return n;
  });
}

export async function listWardsAsGeoJson(db: Db, districtCode: string | null) {
  const rows = await repo.listWards(db, districtCode);
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((w) => ({
      type: 'Feature' as const,
      properties: { code: w.code, name: w.name, districtCode: w.districtCode, boundary: w.boundary },
      geometry: w.geometry ?? null,
    })),
  };
}
