/**
 * The one scoped data-access path. Every query for households, assessments, imports, reports and exports filters by
 * the actor's scope through these helpers; the scope comes from the server-side account, never from the request.
 *  - admin: everything;
 *  - district: the wards of its district;
 *  - ward: its one ward.
 */
import { eq, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import type { Actor } from '../context.ts';
import type { Executor } from '../db/client.ts';
import { wards } from '../db/schema.ts';
import { errors } from '../errors.ts';

/** SQL condition restricting `wardColumn` to the actor's scope (undefined = no restriction, admin). */
export function wardScopeCondition(actor: Actor, wardColumn: AnyColumn | SQL): SQL | undefined {
  if (actor.role === 'ward') return sql`${wardColumn} = ${actor.wardCode ?? '∅'}`;
  if (actor.role === 'district') return sql`${wardColumn} in (select ${wards.code} from ${wards} where ${wards.districtCode} = ${actor.districtCode ?? '∅'})`;
  return undefined;
}

/** Whether a ward (with its district) is inside the actor's scope. */
export function wardInScope(actor: Actor, ward: { code: string; districtCode: string }): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'district') return ward.districtCode === actor.districtCode;
  return ward.code === actor.wardCode;
}

/**
 * Loads the ward and checks it is in scope. Out of scope and unknown look the same (404), so a ward officer cannot
 * learn which other wards or records exist.
 */
export async function requireWardInScope(exec: Executor, actor: Actor, wardCode: string): Promise<{ code: string; name: string; districtCode: string }> {
  const [ward] = await exec
    .select({ code: wards.code, name: wards.name, districtCode: wards.districtCode })
    .from(wards)
    .where(eq(wards.code, wardCode));
  if (!ward || !wardInScope(actor, ward)) throw errors.notFound('ward');
  return ward;
}

/** The ward codes in the actor's scope (the district's wards for admin/district; its own ward for a ward user). */
export async function wardsInScope(exec: Executor, actor: Actor, defaultDistrict: string): Promise<{ code: string; name: string; districtCode: string; area: 'urban' | 'rural' }[]> {
  const district = actor.districtCode ?? defaultDistrict;
  const rows = await exec
    .select({ code: wards.code, name: wards.name, districtCode: wards.districtCode, area: wards.area })
    .from(wards)
    .where(actor.role === 'ward' ? eq(wards.code, actor.wardCode ?? '∅') : eq(wards.districtCode, district))
    .orderBy(wards.code);
  return rows;
}
