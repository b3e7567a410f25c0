import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, errors, fromDatabaseError, loggableError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export function notFoundRoute(): RequestHandler {
  return (req, _res, next) => {
    next(
      new AppError('ROUTE_NOT_FOUND', 404, {
        vi: `Không có đường dẫn ${req.method} ${req.originalUrl.split('?')[0]}`,
        en: `No route ${req.method} ${req.originalUrl.split('?')[0]}`,
      }),
    );
  };
}

export const MAX_DETAILS = 100;

/** The one error middleware: every refusal leaves as { error: { code, message: {vi,en}, details, requestId } }. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = String(req.id ?? '');
    let appError: AppError | null = err instanceof AppError ? err : fromDatabaseError(err);
    if (!appError) {
      // body-parser and multer errors carry a status/type; translate the ones users can cause.
      const e = err as { type?: string; status?: number; code?: string; expose?: boolean };
      if (e?.type === 'entity.parse.failed') appError = errors.malformedJson();
      else if (e?.type === 'entity.too.large' || e?.code === 'LIMIT_FILE_SIZE') appError = errors.payloadTooLarge(String((e as { limit?: number }).limit ?? ''));
      else if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
        appError = new AppError('UNSUPPORTED_MEDIA_TYPE', 415, { vi: 'Bảng mã không được hỗ trợ', en: 'Unsupported encoding' });
      else if (e?.code && String(e.code).startsWith('LIMIT_'))
        appError = errors.validation([{ path: 'file', code: String(e.code), message: { vi: 'Tệp tải lên không hợp lệ', en: 'Invalid upload' } }]);
      else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose)
        appError = new AppError('BAD_REQUEST', e.status, { vi: 'Yêu cầu không hợp lệ', en: 'Bad request' });
    }
    if (!appError) {
      // Code, SQLSTATE and request id only: a driver's message holds the query parameters (names, ID numbers).
      logger.error({ err: loggableError(err), requestId, method: req.method }, 'unhandled error');
      appError = new AppError('INTERNAL', 500, {
        vi: `Lỗi hệ thống; mã yêu cầu ${requestId}`,
        en: `Internal error; request id ${requestId}`,
      });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // At most MAX_DETAILS details and a count of the rest: 60,000 unknown keys must not make a 7.8 MB answer.
    const details = appError.details.slice(0, MAX_DETAILS);
    const omitted = appError.details.length - details.length;
    res.status(appError.status).json({
      error: { code: appError.code, message: appError.messages, details, ...(omitted > 0 ? { detailsOmitted: omitted } : {}), requestId },
    });
  };
}
