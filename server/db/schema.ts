/**
 * The one Drizzle schema (PostgreSQL; the same on PGlite and on a server). Migrations are generated from it by
 * drizzle-kit into server/db/migrations and only ever appended to.
 * Document-shaped parts (members, indicator answers, classification results) are JSONB.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

// ── Administrative units ────────────────────────────────────────────────────────────────────────────────────
export const provinces = pgTable('provinces', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
});

export const districts = pgTable('districts', {
  code: text('code').primaryKey(),
  provinceCode: text('province_code').notNull().references(() => provinces.code),
  name: text('name').notNull(),
});

export const wards = pgTable(
  'wards',
  {
    code: text('code').primaryKey(),
    districtCode: text('district_code').notNull().references(() => districts.code),
    name: text('name').notNull(),
    /** GeoJSON geometry (Polygon or MultiPolygon, WGS84) or null when only the code list is known. */
    geometry: jsonb('geometry'),
    /** 'schematic' for the shipped demo boundaries, 'official' once a district loads its own. */
    boundary: text('boundary'),
    /** 'urban' (phường, thị trấn) or 'rural' (xã): the summary form splits its table into these sections (domain.md §5). */
    area: text('area', { enum: ['urban', 'rural'] }).notNull().default('urban'),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('wards_district_idx').on(t.districtCode)],
);

/** Total households per ward and round: the denominator of every rate (population statistics, domain.md §4). */
export const wardTotals = pgTable(
  'ward_totals',
  {
    wardCode: text('ward_code').notNull().references(() => wards.code),
    round: smallint('round').notNull(),
    households: integer('households').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (t) => [primaryKey({ columns: [t.wardCode, t.round] }), check('ward_totals_households_check', sql`${t.households} >= 0`)],
);

// ── Accounts ────────────────────────────────────────────────────────────────────────────────────────────────
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['admin', 'district', 'ward'] }).notNull(),
    districtCode: text('district_code').references(() => districts.code),
    wardCode: text('ward_code').references(() => wards.code),
    disabled: boolean('disabled').notNull().default(false),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_username_idx').on(t.username),
    check('users_role_check', sql`${t.role} in ('admin','district','ward')`),
    check('users_ward_scope_check', sql`(${t.role} <> 'ward') or (${t.wardCode} is not null)`),
  ],
);

/** Browser sessions and API tokens. Only an HMAC of the secret is stored, so a database dump holds no usable token. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: ['session', 'token'] }).notNull(),
    csrfToken: text('csrf_token'),
    /** An API token's label chosen by its owner ("nightly export"), shown in GET /api/auth/tokens; null for sessions. */
    name: text('name'),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('sessions_token_hash_idx').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

/** Append-only: who did what to which record, before and after, written in the same transaction as the change. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: ts('at').notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorUsername: text('actor_username'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    wardCode: text('ward_code'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
    meta: jsonb('meta'),
  },
  (t) => [index('audit_entity_idx').on(t.entity, t.entityId), index('audit_ward_idx').on(t.wardCode)],
);

// ── Criteria ────────────────────────────────────────────────────────────────────────────────────────────────
/** A versioned criteria set (domain.md §2–3, §7): lines, indicators and the rule are data, never constants. */
export const criteriaSets = pgTable(
  'criteria_sets',
  {
    id: text('id').notNull(),
    version: integer('version').notNull(),
    standard: text('standard', { enum: ['national', 'city'] }).notNull(),
    nameVi: text('name_vi').notNull(),
    nameEn: text('name_en').notNull(),
    legalSource: text('legal_source').notNull(),
    incomeUnit: text('income_unit', { enum: ['month', 'year'] }).notNull(),
    /** { urban: { poor, nearPoor, average? }, rural: {...} } or { all: {...} } when the set has one line. */
    lines: jsonb('lines').notNull(),
    /** [{ code, dimension, vi, en, weight }] */
    indicators: jsonb('indicators').notNull(),
    /** { kind: 'count', cutoff } or { kind: 'score', cutoff } */
    rule: jsonb('rule').notNull(),
    /** Thresholds for deriving deprivations from facts (domain.md §5b); null = the Decision 59 defaults. */
    derivation: jsonb('derivation'),
    provisional: boolean('provisional').notNull().default(false),
    note: text('note'),
    createdAt: ts('created_at').notNull().defaultNow(),
    createdBy: text('created_by'),
  },
  (t) => [primaryKey({ columns: [t.id, t.version] })],
);

// ── Households and assessments ──────────────────────────────────────────────────────────────────────────────
export const households = pgTable(
  'households',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    wardCode: text('ward_code')
      .notNull()
      .references(() => wards.code),
    householdCode: text('household_code').notNull(),
    address: text('address').notNull().default(''),
    area: text('area', { enum: ['urban', 'rural'] }).notNull(),
    headName: text('head_name').notNull(),
    headIdNumber: text('head_id_number'),
    members: jsonb('members').notNull().default(sql`'[]'::jsonb`),
    status: text('status', { enum: ['active', 'archived'] }).notNull().default('active'),
    archivedReason: text('archived_reason'),
    /** Round in which the archive is dated: from it on the household is off every list as `removed` (domain.md §4). */
    archivedRound: smallint('archived_round'),
    /** Ethnic group of the head (one of the 54 official groups, code as in households/ethnic-groups.ts). */
    ethnicGroup: text('ethnic_group').notNull().default('kinh'),
    /** Lower-case, diacritics-free name + code + address, so "nguyen van a" finds "Nguyễn Văn A". */
    searchText: text('search_text').notNull().default(''),
    version: integer('version').notNull().default(1),
    /**
     * Which rounds the household was on each list, one bit per round (bit 0 = ROUND_MIN). Kept in the same
     * transaction as every assessment write, so the rates report is one scan with no per-household history join.
     */
    cityPoorMask: integer('city_poor_mask').notNull().default(0),
    cityNearPoorMask: integer('city_near_poor_mask').notNull().default(0),
    nationalPoorMask: integer('national_poor_mask').notNull().default(0),
    nationalNearPoorMask: integer('national_near_poor_mask').notNull().default(0),
    /**
     * Same bit per round: assessed in that round at all, and classified "average" (cận nghèo's neighbour, domain.md
     * §3) under each standard. With the list masks they answer the household list's round and category filters from
     * the household row itself (not_poor = assessed and on none of the three), so a page or a count never probes the
     * assessments table once per household (issue 14).
     */
    assessedMask: integer('assessed_mask').notNull().default(0),
    cityAverageMask: integer('city_average_mask').notNull().default(0),
    nationalAverageMask: integer('national_average_mask').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    createdBy: text('created_by'),
    updatedBy: text('updated_by'),
  },
  (t) => [
    uniqueIndex('households_ward_code_idx').on(t.wardCode, t.householdCode),
    // The rates report reads only households that were ever on a list (~10 % of a district): index-only scans of
    // these partial indexes instead of a 116k-row sequential scan (PGlite has no JIT and no autovacuum/analyze).
    // The household code second (migration 0010): a category page ("poor in 2017") then walks the ward's list
    // households in the page's order and stops at its end, instead of filtering the whole ward's index (1.7 → 0.5 ms
    // a page on the 116k district). The columns after it are unique-key padding for the report's index-only scan;
    // drizzle has no INCLUDE.
    index('households_city_lists_idx')
      .on(t.wardCode, t.householdCode, t.cityPoorMask, t.cityNearPoorMask, t.assessedMask, t.archivedRound, t.ethnicGroup)
      .where(sql`city_poor_mask <> 0 or city_near_poor_mask <> 0`),
    index('households_national_lists_idx')
      .on(t.wardCode, t.householdCode, t.nationalPoorMask, t.nationalNearPoorMask, t.assessedMask, t.archivedRound, t.ethnicGroup)
      .where(sql`national_poor_mask <> 0 or national_near_poor_mask <> 0`),
    // households_ward_search_trgm_idx (GIN on ward_code, search_text gin_trgm_ops; pg_trgm and btree_gin) is created by
    // hand in migration 0011: drizzle-kit would write it before the `create extension` it needs.
    check('households_area_check', sql`${t.area} in ('urban','rural')`),
    check('households_status_check', sql`${t.status} in ('active','archived')`),
  ],
);

export const assessments = pgTable(
  'assessments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    householdId: uuid('household_id')
      .notNull()
      .references(() => households.id),
    round: smallint('round').notNull(),
    incomeAmount: bigint('income_amount', { mode: 'number' }).notNull(),
    incomePer: text('income_per', { enum: ['month', 'year'] }).notNull(),
    /** Indicator codes the household is deprived of (after deriving flags from facts). */
    deprivations: jsonb('deprivations').notNull().default(sql`'[]'::jsonb`),
    /** Facts the survey gave (floor area, members count…) from which flags were derived. */
    facts: jsonb('facts').notNull().default(sql`'{}'::jsonb`),
    /** The members as surveyed in this round and the area then (domain.md §1: an assessment keeps its facts). */
    members: jsonb('members'),
    area: text('area'),
    surveyor: text('surveyor'),
    surveyedAt: date('surveyed_at', { mode: 'string' }),
    source: text('source').notNull().default('manual'),
    importId: uuid('import_id'),
    /** Classification under each applicable set: { city: {setId, version, category, ...}, national: {...} } */
    results: jsonb('results').notNull(),
    cityCategory: text('city_category'),
    nationalCategory: text('national_category'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('assessments_household_round_idx').on(t.householdId, t.round),
    index('assessments_round_idx').on(t.round),
    check('assessments_income_check', sql`${t.incomeAmount} >= 0`),
  ],
);

// ── Data versions ───────────────────────────────────────────────────────────────────────────────────────────
/**
 * A counter per ward ('*' for district-wide data such as ward names), bumped in the same transaction as every change
 * a report or a household count reads (server/domain/data-version.ts). Caches key their entries on these rows, so a
 * second server process on the same database never serves a figure older than the last commit.
 */
export const dataVersions = pgTable('data_versions', {
  scope: text('scope').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
  changedAt: ts('changed_at').notNull().defaultNow(),
});
/**
 * A ward's list for one round (domain.md §1): open → submitted → approved (frozen) → reopened by the district.
 * No row = open.
 */
export const wardRounds = pgTable(
  'ward_rounds',
  {
    wardCode: text('ward_code').notNull().references(() => wards.code),
    round: smallint('round').notNull(),
    status: text('status', { enum: ['open', 'submitted', 'approved'] }).notNull().default('open'),
    submittedBy: text('submitted_by'),
    submittedAt: ts('submitted_at'),
    decisionNumber: text('decision_number'),
    decisionDate: date('decision_date', { mode: 'string' }),
    decisionSigner: text('decision_signer'),
    approvedBy: text('approved_by'),
    approvedAt: ts('approved_at'),
    reopenedReason: text('reopened_reason'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.wardCode, t.round] }),
    check('ward_rounds_status_check', sql`${t.status} in ('open','submitted','approved')`),
    index('ward_rounds_round_idx').on(t.round),
  ],
);

// ── Imports ─────────────────────────────────────────────────────────────────────────────────────────────────
export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    username: text('username').notNull(),
    /** Scope of the importing user at upload time: null = whole district/admin. */
    wardCode: text('ward_code'),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    status: text('status').notNull().default('queued'),
    progress: jsonb('progress').notNull().default(sql`'{"processedRows":0,"totalRows":null}'::jsonb`),
    summary: jsonb('summary'),
    errors: jsonb('errors').notNull().default(sql`'[]'::jsonb`),
    errorCount: integer('error_count').notNull().default(0),
    failure: jsonb('failure'),
    skipInvalid: boolean('skip_invalid'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    committedAt: ts('committed_at'),
    // ── Job state shared by every app instance (issue 16) ──
    /** Instance running the job (parse or commit); null while queued or when settled. */
    claimedBy: text('claimed_by'),
    /** Last sign of life of the claiming instance; a lapsed heartbeat lets another instance take over. */
    heartbeatAt: ts('heartbeat_at'),
    /** Parse attempts so far (a job whose instance died is retried, then marked interrupted). */
    attempts: integer('attempts').notNull().default(0),
    /** Header row and width of each data sheet, for the annotated workbook. */
    sheets: jsonb('sheets'),
    /** When the uploaded bytes, parsed rows and annotated workbook were deleted (issue 13 item 3); null = still held. */
    purgedAt: ts('purged_at'),
  },
  (t) => [index('imports_user_idx').on(t.userId), index('imports_status_idx').on(t.status)],
);

// ── Duplicate detection (issue 17) ──────────────────────────────────────────────────────────────────────────
/**
 * One row per ID number of a household (the head's and each member's), so "who else holds this CCCD/CMND" is one
 * indexed lookup for a whole import batch. Written only by the triggers of migration 0003, in the same statement
 * as the households write (every write path — API, import, demo load — keeps it without knowing of it). Measured
 * against a GIN expression index over the members JSON: cheaper to maintain on a bulk insert and ~10× faster to probe.
 */
export const householdPeople = pgTable(
  'household_people',
  {
    // No foreign key: the rows are derived from households by its own triggers, and an RI check per row would
    // cost a bulk import more than the whole index (households are never hard-deleted).
    householdId: uuid('household_id').notNull(),
    idNumber: text('id_number').notNull(),
    role: text('role', { enum: ['head', 'member'] }).notNull(),
  },
  (t) => [index('household_people_id_number_idx').on(t.idNumber), index('household_people_household_idx').on(t.householdId)],
);

/** Text compared byte for byte (collation "C"): machine keys, never shown or sorted for people. */
const byteText = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

/**
 * The keys of name candidates (issue 17), one row per active household: the head's name and the address folded
 * exactly as fold() in JS (server/domain/text.ts — accent-free, đ→d, lower case, white space collapsed) and the
 * head's birth year. Written only by the triggers of migration 0009 from the households row (SQL functions shn_fold and
 * shn_head_birth_year), so every write path keeps it, and the candidate list is a join of this narrow table instead
 * of folding every household per request. A side table rather than columns on households: the masks are rewritten
 * on every assessment and import, and extra indexes on households would make each of those updates pay for them.
 */
export const householdKeys = pgTable(
  'household_keys',
  {
    // No foreign key, as household_people.
    householdId: uuid('household_id').primaryKey(),
    wardCode: byteText('ward_code').notNull(),
    nameKey: byteText('name_key').notNull(),
    addressKey: byteText('address_key').notNull(),
    headBirthYear: integer('head_birth_year'),
  },
  (t) => [
    index('household_keys_name_birth_year_idx').on(t.wardCode, t.nameKey, t.headBirthYear, t.householdId).where(sql`head_birth_year is not null`),
    index('household_keys_name_address_idx').on(t.nameKey, t.addressKey, t.householdId).where(sql`address_key <> ''`),
  ],
);

/**
 * The district's decisions on candidate pairs: "not a duplicate" is remembered so the pair no longer shows;
 * "merged" archived one household (reason `merged`) and links it to the one kept. household_a < household_b.
 */
export const duplicateResolutions = pgTable(
  'duplicate_resolutions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['id', 'name'] }).notNull(),
    householdA: uuid('household_a')
      .notNull()
      .references(() => households.id),
    householdB: uuid('household_b')
      .notNull()
      .references(() => households.id),
    resolution: text('resolution', { enum: ['not_duplicate', 'merged'] }).notNull(),
    keptHouseholdId: uuid('kept_household_id').references(() => households.id),
    mergedHouseholdId: uuid('merged_household_id').references(() => households.id),
    note: text('note').notNull().default(''),
    resolvedBy: text('resolved_by').notNull(),
    resolvedAt: ts('resolved_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('duplicate_resolutions_pair_idx').on(t.kind, t.householdA, t.householdB),
    index('duplicate_resolutions_merged_idx').on(t.mergedHouseholdId),
    check('duplicate_resolutions_order_check', sql`${t.householdA} < ${t.householdB}`),
    check('duplicate_resolutions_kind_check', sql`${t.kind} in ('id','name')`),
    check('duplicate_resolutions_resolution_check', sql`${t.resolution} in ('not_duplicate','merged')`),
  ],
);
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)),
});

/**
 * What an uncommitted import holds, in the database so any instance can serve any step (issue 16): the uploaded
 * workbook, its parsed rows (NDJSON) and its annotated copy, each cut into chunks of ≤ 1 MiB. Deleted when the import
 * is committed, fails, is discarded or expires (issue 13 item 3); only the `imports` record stays.
 */
export const importChunks = pgTable(
  'import_chunks',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['upload', 'rows', 'annotated'] }).notNull(),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.kind, t.seq] })],
);

/**
 * Failed-login counters shared by every app instance (issue 16): one row per throttling key (account, client…)
 * with its count in the current window.
 */
export const loginCounters = pgTable('login_counters', {
  key: text('key').primaryKey(),
  hits: integer('hits').notNull().default(0),
  resetAt: ts('reset_at').notNull(),
});

/**
 * What the start-up criteria-schedule check last found (issue 12 §4, issue 14): the round → set mapping it checked
 * the assessments against, and the approved ward-rounds it had to leave under another set. A start with the same
 * mapping and those ward-rounds still approved has nothing to re-classify and skips the scan of every assessment
 * (23 s before a restart answered on a 116,000-household PGlite district). One row per key; backed up with the data
 * it describes.
 */
export const appState = pgTable('app_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
