/** Shapes shared by the import parser (child process), the validation summary, the bulk apply and the API. */
import type { Message } from '../../errors.ts';
import type { Area, Category, IncomePer } from '../criteria/types.ts';
import type { AssessmentFacts } from '../assessments/rules.ts';
import type { Member } from '../households/rules.ts';

export type ImportStatus = 'queued' | 'parsing' | 'validated' | 'failed' | 'committing' | 'committed' | 'discarded' | 'expired';
export const RUNNING_STATUSES: ImportStatus[] = ['queued', 'parsing', 'committing'];

/** One problem on one cell (or row): `row` is the row number Excel shows, `column` the header as written. */
export interface ImportError {
  sheet: string;
  row: number;
  column: string | null;
  /** 1-based column number in the sheet (for the annotated workbook; not sent by the API). */
  col?: number | null;
  code: string;
  value: string | null;
  message: Message;
  /** 'warning': reported, but the row stays valid (e.g. MEMBERS_COUNT_MISMATCH; issue 17: DUPLICATE_PERSON against the registry). Absent: an error. */
  severity?: 'warning';
}

/**
 * A validated survey row, ready to apply: one household (keyed by ward + household code) and its assessment for one
 * round. The same shape is produced by the workbook parser and by the demo generator (issue 8), which calls
 * applyRows() with rows built in memory.
 */
export interface ImportRow {
  wardCode: string;
  householdCode: string;
  headName: string;
  headIdNumber: string | null;
  address: string;
  area: Area;
  /** Head's ethnic group code; absent = Kinh for a new household, unchanged for a known one. */
  ethnicGroup?: string;
  /** Replaces the household's member list when given; absent = keep the members already registered. */
  members?: Member[];
  round: number;
  income: { amount: number; per: IncomePer };
  /** Indicator codes marked deprived in the survey (derived flags are added by evaluateAssessment). */
  deprivations: string[];
  /** Survey facts: membersCount, floorArea. */
  facts: AssessmentFacts;
  surveyedAt: string | null;
  surveyor: string | null;
  /** Sheet and row number in the workbook (reports only). */
  sheet?: string;
  sheetRow?: number;
  /**
   * True on the last row of its household in the source: only that row's household fields are applied, so a file
   * with several rounds per household writes the household once. applyRows() computes it for in-memory arrays.
   */
  final?: boolean;
}

export interface Counts {
  new: number;
  updated: number;
  unchanged: number;
}

export type CategoryCounts = Record<Category, number>;

export interface ImportSummary {
  rows: number;
  valid: number;
  invalid: number;
  households: Counts;
  assessments: Counts;
  /** Categories of the valid rows under the city standard (HCMC districts report by it, domain.md §3). */
  categories: CategoryCounts;
  /** The same under the national standard (Decision 59/2015/QĐ-TTg). */
  nationalCategories: CategoryCounts;
  /** Row warnings of the dry run (issue 17: DUPLICATE_PERSON), the first ERRORS_IN_JSON of them, and how many. */
  warningCount?: number;
  warnings?: ImportError[];
}

export interface ImportProgress {
  processedRows: number;
  totalRows: number | null;
}

export const emptyCounts = (): Counts => ({ new: 0, updated: 0, unchanged: 0 });
export const emptyCategories = (): CategoryCounts => ({ poor: 0, near_poor: 0, average: 0, not_poor: 0 });

/** Key of a household in a file and in the registry. */
export const householdKey = (r: { wardCode: string; householdCode: string }) => `${r.wardCode}\u0000${r.householdCode}`;
