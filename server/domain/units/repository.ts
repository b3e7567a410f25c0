import { asc, eq, sql } from 'drizzle-orm';
import { districts, provinces, wards } from '../../db/schema.ts';
import type { Executor } from '../../db/client.ts';

export type WardRow = typeof wards.$inferSelect;

export async function countWards(exec: Executor): Promise<number> {
  const [r] = await exec.select({ n: sql<number>`count(*)::int` }).from(wards);
  return r?.n ?? 0;
}

export async function upsertProvince(exec: Executor, code: string, name: string): Promise<void> {
  await exec.insert(provinces).values({ code, name }).onConflictDoUpdate({ target: provinces.code, set: { name } });
}

export async function upsertDistrict(exec: Executor, code: string, provinceCode: string, name: string): Promise<void> {
  await exec
    .insert(districts)
    .values({ code, provinceCode, name })
    .onConflictDoUpdate({ target: districts.code, set: { name, provinceCode } });
}

export interface WardInput {
  code: string;
  districtCode: string;
  name: string;
  geometry: unknown | null;
  boundary: string | null;
}

/** Inserts or updates a ward; returns whether anything changed (so a re-import of the same file is a no-op). */
export async function upsertWard(exec: Executor, w: WardInput): Promise<'created' | 'updated' | 'unchanged'> {
  const [existing] = await exec.select().from(wards).where(eq(wards.code, w.code));
  if (!existing) {
    await exec.insert(wards).values(w);
    return 'created';
  }
  const same =
    existing.name === w.name &&
    existing.districtCode === w.districtCode &&
    existing.boundary === w.boundary &&
    JSON.stringify(existing.geometry) === JSON.stringify(w.geometry ?? existing.geometry);
  if (same) return 'unchanged';
  await exec
    .update(wards)
    .set({ name: w.name, districtCode: w.districtCode, boundary: w.boundary, geometry: w.geometry ?? existing.geometry, updatedAt: new Date() })
    .where(eq(wards.code, w.code));
  return 'updated';
}

export async function listWards(exec: Executor, districtCode?: string | null): Promise<WardRow[]> {
  const q = exec.select().from(wards);
  return districtCode ? q.where(eq(wards.districtCode, districtCode)).orderBy(asc(wards.code)) : q.orderBy(asc(wards.code));
}

export async function findWard(exec: Executor, code: string): Promise<WardRow | null> {
  const [r] = await exec.select().from(wards).where(eq(wards.code, code));
  return r ?? null;
}

export async function findDistrict(exec: Executor, code: string) {
  const [r] = await exec.select().from(districts).where(eq(districts.code, code));
  return r ?? null;
}
