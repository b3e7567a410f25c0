import { Readable } from 'node:stream';
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import type { AppDeps } from '../../context.ts';
import { AppError, errors } from '../../errors.ts';
import { ctxOf } from '../auth.ts';
import { validate } from '../validate.ts';
import { totalsUploadParams } from '../schemas/reports.ts';
import { readTotalsSheet } from '../../domain/units/totals-sheet.ts';
import { importWardTotals } from '../../domain/units/totals-service.ts';

/** The two-column sheet (ward code, households) has one row per ward: a few KiB; 1 MiB leaves room for styling. */
const SHEET_LIMIT_BYTES = 1024 * 1024;

/**
 * POST /api/units/totals/:round/sheet — the browser's `npm run totals:import`: the same sheet reader and the same
 * all-or-nothing service, so the page and the CLI accept and refuse exactly the same files.
 */
export function totalsUploadRouter(deps: AppDeps): Router {
  const r = Router();
  const params = totalsUploadParams(deps.config);
  // Held in memory (tiny) and streamed to the reader: no upload file is ever left on disk.
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: SHEET_LIMIT_BYTES, files: 1, fields: 2, parts: 3 } });
  // Role check before accepting the body, so a refused caller cannot make us read a file.
  const adminOrDistrict = (req: Request, _res: Response, next: NextFunction) => {
    ctxOf(req, deps, ['admin', 'district']);
    next();
  };

  r.post('/units/totals/:round/sheet', adminOrDistrict, upload.single('file'), async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin', 'district']);
    const { round } = validate<{ round: number }>(params, req.params);
    if (!req.file) {
      throw errors.validation([{ path: 'file', code: 'any.required', message: { vi: 'Chưa chọn tệp .xlsx (trường "file")', en: 'Choose an .xlsx file (field "file")' } }]);
    }
    const rows = await readTotalsSheet(Readable.from(req.file.buffer)).catch((err: unknown) => {
      if (!(err instanceof AppError)) {
        throw errors.validation([{ path: 'file', code: 'NOT_XLSX', message: { vi: 'Tệp không đọc được như bảng tính .xlsx', en: 'The file cannot be read as an .xlsx workbook' } }]);
      }
      throw err;
    });
    res.json({ round, ...(await importWardTotals(ctx, round, rows)) });
  });
  return r;
}
