import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer, { type StorageEngine } from 'multer';
import type { AppDeps } from '../../context.ts';
import { errors } from '../../errors.ts';
import { ctxOf } from '../auth.ts';
import { validate } from '../validate.ts';
import { commitBody, listQuery } from '../schemas/imports.ts';
import { presentImport, presentImportListItem } from '../presenters/imports.ts';
import { privateTmpDir } from '../../domain/imports/files.ts';
import { commitImport, discardImport, getImport, listImports, startImport } from '../../domain/imports/service.ts';
import { annotatedWorkbook, templateWorkbook } from '../../domain/imports/workbooks.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Multer storage for an upload on its way into the database: a 0600 file in DATA_DIR/tmp (0700), named after this
 * process so a restart sweeps what a killed one left. The import service stores it and deletes it.
 */
function privateDiskStorage(dataDir: string): StorageEngine {
  return {
    _handleFile(_req, file, cb) {
      const target = path.join(privateTmpDir(dataDir), `${process.pid}-${crypto.randomUUID()}.upload`);
      const out = fs.createWriteStream(target, { mode: 0o600, flags: 'wx' });
      let size = 0;
      file.stream.on('data', (d: Buffer) => (size += d.length));
      pipeline(file.stream, out).then(
        () => cb(null, { path: target, size }),
        (err) => {
          fs.rmSync(target, { force: true });
          cb(err);
        },
      );
    },
    _removeFile(_req, file, cb) {
      fs.rm(file.path, { force: true }, cb);
    },
  };
}

/** Survey workbook import (issue 5): template, upload → dry run, status, commit, discard, annotated workbook, history. */
export function importsRouter(deps: AppDeps): Router {
  const r = Router();

  const upload = multer({
    storage: privateDiskStorage(deps.config.dataDir),
    limits: { fileSize: deps.config.uploadLimitBytes, files: 1, fields: 5, parts: 6 },
    defParamCharset: 'utf8',
  });
  // Authenticate before accepting the body, so an anonymous caller cannot make us store a file.
  const authFirst = (req: Request, _res: Response, next: NextFunction) => {
    ctxOf(req, deps);
    next();
  };

  r.get('/imports/template.xlsx', async (req, res) => {
    const buf = await templateWorkbook(ctxOf(req, deps));
    res.type(XLSX).attachment('mau-nhap-phieu-ra-soat.xlsx').send(buf);
  });

  r.post('/imports', authFirst, upload.single('file'), async (req, res) => {
    const ctx = ctxOf(req, deps);
    if (!req.file) {
      throw errors.validation([{ path: 'file', code: 'any.required', message: { vi: 'Chưa chọn tệp .xlsx (trường "file")', en: 'No .xlsx file in the "file" field' } }]);
    }
    const { id } = await startImport(ctx, { path: req.file.path, originalName: req.file.originalname });
    res.status(202).location(`/api/imports/${id}`).json({ id });
  });

  r.get('/imports', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const q = validate(listQuery, req.query);
    const { rows, total } = await listImports(ctx, q.page, q.pageSize);
    res.json({ data: rows.map(presentImportListItem), meta: { total, page: q.page, pageSize: q.pageSize } });
  });

  r.get('/imports/:id', async (req, res) => {
    res.json(presentImport(await getImport(ctxOf(req, deps), req.params.id)));
  });

  r.post('/imports/:id/commit', async (req, res) => {
    const ctx = ctxOf(req, deps);
    const body = validate(commitBody, req.body ?? {});
    const { id } = await commitImport(ctx, req.params.id, body);
    res.status(202).location(`/api/imports/${id}`).json({ id, status: 'committing' });
  });

  /** Discards an uncommitted import: its files are deleted, the record stays (issue 13 item 3). */
  r.delete('/imports/:id', async (req, res) => {
    res.json(presentImport(await discardImport(ctxOf(req, deps), req.params.id)));
  });

  r.get('/imports/:id/annotated.xlsx', async (req, res) => {
    const file = await annotatedWorkbook(ctxOf(req, deps), req.params.id);
    res.type(XLSX).attachment(file.fileName);
    await pipeline(Readable.from(file.chunks), res);
  });
  return r;
}
