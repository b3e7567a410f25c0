/** JSON shapes of the import area (docs/ARCHITECTURE.md: camelCase, ISO dates; lists as { data, meta }). */
import type { ImportRecord } from '../../domain/imports/repository.ts';
import type { ImportError } from '../../domain/imports/types.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Errors as the API shows them: row = the row number Excel shows, column = the header as written in the file. */
function presentError(e: ImportError) {
  return { sheet: e.sheet, row: e.row, column: e.column, code: e.code, value: e.value, message: e.message, severity: e.severity ?? 'error' };
}

export function presentImport(r: ImportRecord) {
  return {
    id: r.id,
    status: r.status,
    fileName: r.fileName,
    sha256: r.sha256,
    sizeBytes: r.sizeBytes,
    username: r.username,
    wardCode: r.wardCode,
    progress: r.progress,
    summary: r.summary ?? null,
    errors: ((r.errors as ImportError[]) ?? []).map(presentError),
    errorCount: r.errorCount,
    errorsTruncated: r.errorCount > ((r.errors as unknown[]) ?? []).length,
    failure: r.failure ?? null,
    skipInvalid: r.skipInvalid,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    committedAt: iso(r.committedAt),
    /** When the upload, parsed rows and annotated workbook were deleted (commit, failure, discard, expiry). */
    purgedAt: iso(r.purgedAt),
  };
}

/** History rows: who, when, file, SHA-256, counts, status (no error details). */
export function presentImportListItem(r: ImportRecord) {
  const { errors: _errors, ...rest } = presentImport(r);
  return rest;
}
