/**
 * The backup file format (issue 18), as pure rules: no I/O here.
 *
 * A backup is one gzip stream of UTF-8 lines (JSONL), readable by any engine and by hand (`zcat file | head -1`):
 *   line 1            the manifest: format, app version, engine, creation time, migrations (count, last tag, the
 *                     sha256 of each applied migration file) and per table its columns and row count, in FK-safe order;
 *   then, per table   exactly `rows` lines, each the row as JSON (PostgreSQL's row_to_json text, never re-encoded
 *                     in JavaScript, so numeric/bigint values keep every digit);
 *   last line         the trailer {"$end": {rows, sha256}}: the SHA-256 of every byte before it (uncompressed).
 * A truncated file lacks the trailer (or fails gzip's own CRC); an altered one fails the trailer's hash; anything
 * else fails the manifest check. The sidecar `<file>.sha256` (sha256sum format) holds the hash of the .gz file.
 */
import Joi from 'joi';

export const BACKUP_FORMAT = 'so-ho-ngheo-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const BACKUP_EXTENSION = '.jsonl.gz';
export const CHECKSUM_EXTENSION = '.sha256';

export interface BackupTable {
  name: string;
  /** Columns written (generated columns are left out: the target computes them). */
  columns: string[];
  rows: number;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  app: { name: string; version: string };
  engine: 'pglite' | 'postgres';
  createdAt: string;
  migrations: { count: number; lastTag: string | null; hashes: string[] };
  tables: BackupTable[];
}

export interface BackupTrailer {
  rows: number;
  sha256: string;
}

const identifier = Joi.string().pattern(/^[a-z_][a-z0-9_]{0,62}$/);
const manifestSchema = Joi.object({
  format: Joi.string().valid(BACKUP_FORMAT).required(),
  formatVersion: Joi.number().integer().valid(BACKUP_FORMAT_VERSION).required(),
  app: Joi.object({ name: Joi.string().required(), version: Joi.string().required() }).required(),
  engine: Joi.string().valid('pglite', 'postgres').required(),
  createdAt: Joi.string().isoDate().required(),
  migrations: Joi.object({
    count: Joi.number().integer().min(1).required(),
    lastTag: Joi.string().allow(null).required(),
    hashes: Joi.array().items(Joi.string().hex().length(64)).required(),
  }).required(),
  tables: Joi.array()
    .items(Joi.object({ name: identifier.required(), columns: Joi.array().items(identifier).min(1).required(), rows: Joi.number().integer().min(0).required() }))
    .min(1)
    .unique('name')
    .required(),
});

export type ManifestProblem = { kind: 'foreign' | 'unsupported' | 'invalid'; message: string };

/** Checks line 1 of a file: a manifest of this format and version, or a description of why not. */
export function checkManifest(value: unknown): { manifest: BackupManifest } | { problem: ManifestProblem } {
  if (!value || typeof value !== 'object' || (value as { format?: unknown }).format !== BACKUP_FORMAT) {
    return { problem: { kind: 'foreign', message: 'not a Sổ hộ nghèo backup (no manifest on the first line)' } };
  }
  if ((value as { formatVersion?: unknown }).formatVersion !== BACKUP_FORMAT_VERSION) {
    return { problem: { kind: 'unsupported', message: `backup format version ${String((value as { formatVersion?: unknown }).formatVersion)} (this version reads ${BACKUP_FORMAT_VERSION})` } };
  }
  const { error, value: manifest } = manifestSchema.validate(value, { allowUnknown: false });
  if (error) return { problem: { kind: 'invalid', message: `manifest: ${error.message}` } };
  if (manifest.migrations.hashes.length !== manifest.migrations.count) {
    return { problem: { kind: 'invalid', message: 'manifest: migration count and hashes differ' } };
  }
  return { manifest: manifest as BackupManifest };
}

export function trailerLine(trailer: BackupTrailer): string {
  return JSON.stringify({ $end: trailer }) + '\n';
}

/** The trailer in a line, or null when the line is a row. Rows are table rows: they never hold a `$end` key alone. */
export function parseTrailer(line: string): BackupTrailer | null {
  if (!line.startsWith('{"$end":')) return null;
  try {
    const t = (JSON.parse(line) as { $end?: BackupTrailer }).$end;
    return t && Number.isInteger(t.rows) && typeof t.sha256 === 'string' ? t : null;
  } catch {
    return null;
  }
}

export function totalRows(manifest: Pick<BackupManifest, 'tables'>): number {
  return manifest.tables.reduce((n, t) => n + t.rows, 0);
}

// ── File names ─────────────────────────────────────────────────────────────────────────────────────────────
const NAME = /^shn-backup-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})Z\.jsonl\.gz$/;

/** `shn-backup-20261202-020000-123Z.jsonl.gz` (UTC): names sort by time, and say when at a glance. */
export function backupFileName(at: Date): string {
  const iso = at.toISOString(); // 2026-12-02T02:00:00.123Z
  return `shn-backup-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}Z${BACKUP_EXTENSION}`;
}

/** The time a backup file name encodes, or null when the name is not one of ours (so nothing else is ever pruned). */
export function backupTimeOf(name: string): Date | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  return Number.isNaN(at.getTime()) ? null : at;
}

export const isBackupFileName = (name: string) => backupTimeOf(name) !== null;

/** Retention: which backups to delete so that only the newest `keep` remain. */
export function backupsToPrune(names: string[], keep: number): string[] {
  const ours = names.filter(isBackupFileName).sort(); // the name sorts by time
  return ours.slice(0, Math.max(0, ours.length - keep));
}

// ── Age ────────────────────────────────────────────────────────────────────────────────────────────────────
/** A registry whose newest backup is older than this is warned about (issue 18: "older than 2 days"). */
export const BACKUP_STALE_HOURS = 48;

export interface BackupAge {
  status: 'ok' | 'stale' | 'none';
  lastAt: string | null;
  ageHours: number | null;
}

export function backupAge(lastAt: Date | null, now: Date): BackupAge {
  if (!lastAt) return { status: 'none', lastAt: null, ageHours: null };
  const ageHours = Math.max(0, (now.getTime() - lastAt.getTime()) / 3_600_000);
  return { status: ageHours > BACKUP_STALE_HOURS ? 'stale' : 'ok', lastAt: lastAt.toISOString(), ageHours: Math.round(ageHours * 10) / 10 };
}

// ── Schedule ───────────────────────────────────────────────────────────────────────────────────────────────
/** The next local time at `hour:minute` strictly after `now`. */
export function nextRunAfter(now: Date, at: { hour: number; minute: number }): Date {
  const next = new Date(now);
  next.setHours(at.hour, at.minute, 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next;
}

/** FK-safe order: every table after the tables it references (self references ignored; a cycle keeps input order). */
export function orderByDependencies(tables: string[], references: { from: string; to: string }[]): string[] {
  const pending = new Set(tables);
  const ordered: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter((t) => !references.some((r) => r.from === t && r.to !== t && pending.has(r.to)));
    const take = ready.length > 0 ? ready : [[...pending][0]!];
    for (const t of take.sort()) {
      pending.delete(t);
      ordered.push(t);
    }
  }
  return ordered;
}
