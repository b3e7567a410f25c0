/** Shapes of the API's JSON (see docs/ARCHITECTURE.md and the area issues). Single objects bare, lists paged. */
import type { Localized } from '../i18n/index.ts';

export type Role = 'admin' | 'district' | 'ward';
export type Standard = 'city' | 'national';
export type Category = 'poor' | 'near_poor' | 'average' | 'not_poor';

export interface User {
  username: string;
  role: Role;
  wardCode: string | null;
  districtCode: string | null;
  mustChangePassword: boolean;
}

export interface Settings {
  tileUrl: string | null;
  tileAttribution: string;
  demo: boolean;
  districtCode: string;
  rounds: { min: number; max: number };
}

export interface Paged<T> {
  data: T[];
  meta: { total: number; page: number; pageSize: number; nextCursor?: string | null; prevCursor?: string | null };
}

export interface WardFeature {
  type: 'Feature';
  properties: { code: string; name: string; districtCode: string; boundary: string | null };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } | null;
}
export interface WardCollection {
  type: 'FeatureCollection';
  features: WardFeature[];
}

export interface ListBlock {
  start: number;
  escaped: number;
  /** "Giảm khác": left the ward (archived), never counted as escaped (issue 12). */
  removed?: number;
  unreviewed?: number;
  minorityStart?: number;
  minorityEnd?: number;
  removedRate?: number | null;
  fellBack: number;
  new: number;
  end: number;
  rate: number | null;
  startRate: number | null;
  escapedRate?: number | null;
  fellBackRate?: number | null;
  newRate?: number | null;
}

/** Why a figure is missing (the client translates the codes). */
export type RateFlag = 'TOTAL_MISSING' | 'PREVIOUS_TOTAL_MISSING' | 'BASELINE_ROUND' | 'UNREVIEWED' | 'NOT_ALL_APPROVED';

export type RoundStatus = 'open' | 'submitted' | 'approved';

/** GET /api/rounds/:round/wards — one ward's list status in a round. */
export interface RoundWard {
  wardCode: string;
  name: string;
  status: RoundStatus;
  submittedBy: string | null;
  submittedAt: string | null;
  decision: { number: string; date: string; signer: string | null } | null;
  reopenedReason: string | null;
  unreviewed: number;
}

export interface UnreviewedHousehold {
  id: string;
  householdCode: string;
  headName: string;
}

export interface RatesRow {
  code: string;
  name: string;
  totalHouseholds: number | null;
  previousTotalHouseholds?: number | null;
  poor: ListBlock;
  nearPoor: ListBlock;
  change: { poorRatePp: number | null; nearPoorRatePp: number | null };
  moves?: { poorToNearPoor: number; nearPoorToPoor: number };
  flags?: RateFlag[];
  approval?: { status: RoundStatus; decisionNumber: string | null; decisionDate: string | null };
}

export interface RatesReport {
  round: number;
  /** The round compared with (round − 1 unless another was asked); null in the baseline round. */
  from: number | null;
  standard: Standard;
  district?: { code: string; name: string };
  rows: RatesRow[];
  total: RatesRow | null;
}

export interface TrendPoint {
  round: number;
  rows: RatesRow[];
  total: RatesRow | null;
}

export interface Member {
  name: string;
  birthYear: number;
  sex: 'male' | 'female';
  relation: string;
  idNumber: string | null;
  hasHealthInsurance: boolean;
  inSchool: boolean;
}

export interface Reason {
  code: string;
  vi: string;
  en: string;
}

export interface StandardResult {
  setId?: string;
  criteriaSet?: string;
  version?: number;
  category: Category;
  deprivationCount?: number;
  score?: number | null;
  reasons: Reason[];
}

export interface Assessment {
  round: number;
  income: { amount: number; per: 'month' | 'year' };
  deprivations: string[];
  facts?: { floorArea?: number | null } | null;
  surveyedAt?: string | null;
  surveyor?: string | null;
  source?: string | null;
  results: Partial<Record<Standard, StandardResult>>;
  cityCategory?: Category | null;
  nationalCategory?: Category | null;
}

/** The fields of a household that every answer carries, the list's rows included. */
interface HouseholdSummary {
  id: string;
  wardCode: string;
  householdCode: string;
  address: string;
  area: 'urban' | 'rural';
  headName: string;
  status: 'active' | 'archived';
  archivedReason: string | null;
  /** Round the archive is dated in (issue 12: from it the household is "removed" from the lists). */
  archivedRound?: number | null;
  ethnicGroup?: string;
  version: number;
  /** List rows, when a round was asked for: that round's category under each standard. */
  assessment?: { round: number; cityCategory: Category | null; nationalCategory: Category | null } | null;
}

export interface Household extends HouseholdSummary {
  headIdNumber: string | null;
  members: Member[];
  [extra: string]: unknown;
}

/** A row of the household list: no ID number, and members only on a search page (to say which member matched). */
export interface HouseholdListItem extends HouseholdSummary {
  members?: Member[];
}

export interface Indicator {
  code: string;
  dimension?: string;
  vi: string;
  en: string;
  weight?: number;
}
export interface CriteriaSet {
  id: string;
  version: number;
  standard: Standard;
  nameVi: string;
  nameEn: string;
  incomeUnit: 'month' | 'year';
  indicators: Indicator[];
  provisional?: boolean;
}

export interface ImportError {
  sheet: string;
  row: number;
  column: string | null;
  code: string;
  value?: unknown;
  message: Localized;
}
export interface ImportStatus {
  id: string;
  status: 'queued' | 'parsing' | 'validated' | 'failed' | 'committing' | 'committed' | 'discarded' | 'expired';
  /** When its files (upload, parsed rows, annotated workbook) were deleted; null while it holds them. */
  purgedAt?: string | null;
  fileName?: string;
  progress: { processedRows: number; totalRows: number | null };
  summary: {
    rows: number;
    valid: number;
    invalid: number;
    households: { new: number; updated: number; unchanged: number };
    assessments: { new: number; updated: number; unchanged: number };
    categories: Partial<Record<Category, number>>;
    /** Row warnings against the registry (issue 17: DUPLICATE_PERSON; rows still import), capped like `errors`. */
    warningCount?: number;
    warnings?: ImportError[];
  } | null;
  errors: ImportError[];
  /** All errors found; `errors` is capped, the annotated workbook has every one. */
  errorCount?: number;
  errorsTruncated?: boolean;
  /** Why a whole file was refused (status `failed`). */
  failure?: { code: string; message: Localized } | null;
  username?: string;
  createdAt?: string;
  [extra: string]: unknown;
}
export interface ImportListItem {
  id: string;
  fileName: string;
  status: ImportStatus['status'];
  createdAt: string;
  createdBy?: string;
  username?: string;
  sha256?: string;
  summary?: ImportStatus['summary'];
  [extra: string]: unknown;
}

// ── Administration (issue 15) ───────────────────────────────────────────────────────────────────────────────
export interface AdminUser extends User {
  disabled: boolean;
  createdAt: string;
  lastLoginAt?: string | null;
}

export interface WardTotal {
  wardCode: string;
  name?: string;
  round: number;
  households: number | null;
}

export type IncomeLine = { poor: number; nearPoor: number; average?: number };
export interface CriteriaSetFull extends CriteriaSet {
  legalSource: string;
  lines: { urban: IncomeLine; rural: IncomeLine } | { all: IncomeLine };
  rule: { kind: 'count' | 'score'; cutoff: number };
  note?: string | null;
  createdAt?: string;
  createdBy?: string | null;
  versions?: { version: number; createdAt: string; createdBy: string | null; note: string | null }[];
}

export interface CriteriaUsage {
  setId: string;
  standard: Standard;
  rounds: { round: number; versions: { version: number; assessments: number }[] }[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  wardCode: string | null;
  before: unknown;
  after: unknown;
  meta: unknown;
}

// ── Duplicates (issue 17) ───────────────────────────────────────────────────────────────────────────────────
/** The other household of a pair or warning (full inside the caller's scope, only its ward outside), and the
 * `warnings` entry of a household save: one definition, the server's. */
export type { OtherHousehold as DuplicateSide, DuplicateWarning } from '../../server/domain/duplicates/rules.ts';
import type { OtherHousehold as DuplicateSide } from '../../server/domain/duplicates/rules.ts';

export type DuplicateKind = 'id' | 'name';

export interface DuplicatePair {
  id: string;
  kind: DuplicateKind;
  /** same_id_number | name_birth_year | name_address */
  reasons: string[];
  idNumbers: string[];
  households: [DuplicateSide, DuplicateSide];
}
