import crypto from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import type { AppDeps } from '../../context.ts';
import { errors } from '../../errors.ts';
import { ctxOf } from '../auth.ts';
import { validate } from '../validate.ts';
import { commitBody, listQuery } from '../schemas/imports.ts';
import { presentImport, presentImportListItem } from '../presenters/imports.ts';
import { uploadTmpDir } from '../../domain/imports/files.ts';
import { commitImport, getImport, listImports, startImport } from '../../domain/imports/service.ts';
import { annotatedWorkbook, templateWorkbook } from '../../domain/imports/workbooks.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Survey workbook import (issue 5): template, upload → dry run, status, commit, annotated workbook, history. */
export function importsRouter(deps: AppDeps): Router {
  const r = Router();

  const upload = multer({
    storage: multer.diskStorage({
      destination: (_req, _file, cb) => cb(null, uploadTmpDir(deps.config.dataDir)),
      filename: (_req, _file, cb) => cb(null, `${crypto.randomUUID()}.upload`),
    }),
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

  r.get('/imports/:id/annotated.xlsx', async (req, res) => {
    const file = await annotatedWorkbook(ctxOf(req, deps), req.params.id);
    res.type(XLSX).attachment(file.fileName);
    res.sendFile(file.path);
  });
  return r;
}
