/**
 * All SQL of duplicate detection. ID numbers are read from `household_people` (one row per ID number of a household,
 * kept by triggers in the same statement as every households write — migration 0004); name candidates compare the
 * accent-free keys of `household_keys` (one row per active household, kept by triggers with shn_fold(), fold() of
 * text.ts in SQL — migration 0009), so no household is folded per request.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { duplicateResolutions } from '../../db/schema.ts';
import type { DuplicateKind, Resolution } from './rules.ts';

const p = (values: unknown[]) => sql.param(values);

/** A household holding a searched ID number: the same fields as a pair's side, keyed by the number. */
export interface PersonMatch extends Omit<PairSide, 'id'> {
  idNumber: string;
  householdId: string;
}

/** Active households holding any of these ID numbers (one indexed lookup), except `excludeId`. */
export async function findActiveByIdNumbers(exec: Executor, idNumbers: string[], excludeId: string | null = null): Promise<PersonMatch[]> {
  if (idNumbers.length === 0) return [];
  return queryRows<PersonMatch>(
    exec,
    sql`select distinct p.id_number as "idNumber", h.id as "householdId", h.ward_code as "wardCode", w.name as "wardName", w.district_code as "districtCode",
               h.household_code as "householdCode", h.head_name as "headName", h.address
        from household_people p
        join households h on h.id = p.household_id and h.status = 'active'
        join wards w on w.code = h.ward_code
        where p.id_number = any(${p(idNumbers)}::text[]) ${excludeId ? sql`and h.id <> ${excludeId}::uuid` : sql``}`,
  );
}

export interface PairSide {
  id: string;
  wardCode: string;
  wardName: string;
  districtCode: string;
  householdCode: string;
  headName: string;
  address: string;
}

export interface PairRow {
  kind: DuplicateKind;
  a: PairSide;
  b: PairSide;
  /** kind 'id': the shared ID numbers; kind 'name': which rules matched. */
  idNumbers: string[];
  reasons: string[];
  total: number;
}

export interface PairFilter {
  kind: DuplicateKind;
  /** Pairs with at least one side in this ward. */
  ward?: string;
  /** Visibility: a pair shows when one side satisfies it (the actor's scope; undefined or returning undefined = all). */
  visible?: (wardColumn: SQL) => SQL | undefined;
  /** One pair only (resolving re-checks that the pair is still a candidate). */
  pair?: { a: string; b: string };
  limit: number;
  offset: number;
}

/**
 * Candidate pairs (a.id < b.id) as (a, b, id_numbers, reasons), before the households are joined. ID numbers: each
 * rule first narrows to the numbers held more than once (one grouped scan), so the pair join runs on the few
 * candidates only.
 */
function candidates(f: PairFilter): SQL {
  if (f.kind === 'id') {
    // With a ward, start from that ward's ID numbers: an indexed probe instead of the whole index.
    const seed = f.ward
      ? sql`where id_number in (select x.id_number from household_people x join households h on h.id = x.household_id where h.ward_code = ${f.ward} and h.status = 'active')`
      : sql``;
    const pairOnly = f.pair ? sql`where p1.household_id = ${f.pair.a}::uuid and p2.household_id = ${f.pair.b}::uuid` : sql``;
    return sql`with shared as materialized (select id_number from household_people ${seed} group by id_number having count(*) > 1)
               select p1.household_id as a, p2.household_id as b, array_agg(distinct p1.id_number) as id_numbers, array['same_id_number'] as reasons
               from shared s join household_people p1 on p1.id_number = s.id_number
                 join household_people p2 on p2.id_number = s.id_number and p2.household_id > p1.household_id
               ${pairOnly}
               group by 1, 2`;
  }
  // household_keys holds the keys of active households only (kept by triggers, migration 0009): each rule is a join
  // of that narrow table on its own index. With a ward, the join starts from that ward's keys; a pair found from both
  // of its sides is counted once by the grouping.
  const pairOnly = f.pair ? sql`and x.household_id = ${f.pair.a}::uuid and y.household_id = ${f.pair.b}::uuid` : sql``;
  const sameWard = sql`select x.household_id as a, y.household_id as b, 'name_birth_year' as reason
      from household_keys x join household_keys y on y.ward_code = x.ward_code and y.name_key = x.name_key
        and y.head_birth_year = x.head_birth_year and y.household_id > x.household_id
      where x.head_birth_year is not null and y.head_birth_year is not null ${f.ward ? sql`and x.ward_code = ${f.ward}` : sql``} ${pairOnly}`;
  const sameAddress = f.ward
    ? sql`select least(w.household_id, o.household_id) as a, greatest(w.household_id, o.household_id) as b, 'name_address' as reason
          from household_keys w join household_keys o on o.name_key = w.name_key and o.address_key = w.address_key
            and o.household_id <> w.household_id and o.address_key <> ''
          where w.ward_code = ${f.ward} and w.address_key <> ''
            ${f.pair ? sql`and least(w.household_id, o.household_id) = ${f.pair.a}::uuid and greatest(w.household_id, o.household_id) = ${f.pair.b}::uuid` : sql``}`
    : sql`select x.household_id as a, y.household_id as b, 'name_address' as reason
          from household_keys x join household_keys y on y.name_key = x.name_key and y.address_key = x.address_key
            and y.household_id > x.household_id
          where x.address_key <> '' and y.address_key <> '' ${pairOnly}`;
  return sql`select a, b, array[]::text[] as id_numbers, array_agg(distinct reason order by reason) as reasons
    from (${sameWard} union all ${sameAddress}) r group by a, b`;
}

const side = (alias: string) => sql.raw(
  `json_build_object('id', ${alias}.id, 'wardCode', ${alias}.ward_code, 'wardName', w${alias}.name, 'districtCode', w${alias}.district_code, 'householdCode', ${alias}.household_code, 'headName', ${alias}.head_name, 'address', ${alias}.address)`,
);

/** Open candidate pairs (not resolved, both households active), paged, with the total. */
export async function listPairs(exec: Executor, f: PairFilter): Promise<PairRow[]> {
  const [va, vb] = [f.visible?.(sql.raw('ha.ward_code')), f.visible?.(sql.raw('hb.ward_code'))];
  const visible = va && vb ? sql`and (${va} or ${vb})` : sql``;
  const ward = f.ward ? sql`and (ha.ward_code = ${f.ward} or hb.ward_code = ${f.ward})` : sql``;
  return queryRows<PairRow>(
    exec,
    sql`select ${f.kind} as kind, ${side('ha')} as a, ${side('hb')} as b, c.id_numbers as "idNumbers", c.reasons, (count(*) over ())::int as total
        from (${candidates(f)}) c
        join households ha on ha.id = c.a and ha.status = 'active' join wards wha on wha.code = ha.ward_code
        join households hb on hb.id = c.b and hb.status = 'active' join wards whb on whb.code = hb.ward_code
        where not exists (select 1 from ${duplicateResolutions} r where r.kind = ${f.kind} and r.household_a = c.a and r.household_b = c.b)
          ${visible} ${ward}
        order by ha.ward_code, ha.household_code, hb.ward_code, hb.household_code
        limit ${f.limit} offset ${f.offset}`,
  );
}

export interface ResolutionWrite {
  kind: DuplicateKind;
  householdA: string;
  householdB: string;
  resolution: Resolution;
  keptHouseholdId: string | null;
  mergedHouseholdId: string | null;
  note: string;
  resolvedBy: string;
}

export async function insertResolution(exec: Executor, values: ResolutionWrite): Promise<typeof duplicateResolutions.$inferSelect> {
  const [row] = await exec.insert(duplicateResolutions).values(values).returning();
  return row!;
}
