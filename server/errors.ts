/**
 * One error type for everything the API refuses. `code` is stable (clients and tests match on it), the message
 * is given in Vietnamese and English, and `details` points at the fields (or spreadsheet cells) at fault.
 */
export interface Message {
  vi: string;
  en: string;
}

export interface ErrorDetail {
  path: string;
  code?: string;
  message: Message;
  value?: unknown;
}

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF_FAILED'
  | 'PASSWORD_CHANGE_REQUIRED'
  | 'NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'CONFLICT'
  | 'DUPLICATE'
  | 'PRECONDITION_FAILED'
  | 'PRECONDITION_REQUIRED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL'
  | (string & {});

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly status: number,
    public readonly messages: Message,
    public readonly details: ErrorDetail[] = [],
  ) {
    super(messages.en);
    this.name = 'AppError';
  }
}

const m = (vi: string, en: string): Message => ({ vi, en });

export const errors = {
  validation: (details: ErrorDetail[], message = m('Dữ liệu không hợp lệ', 'Invalid input')) =>
    new AppError('VALIDATION_FAILED', 400, message, details),
  malformedJson: () =>
    new AppError('MALFORMED_JSON', 400, m('Nội dung JSON không đúng cú pháp', 'The request body is not valid JSON')),
  unauthenticated: () =>
    new AppError('UNAUTHENTICATED', 401, m('Bạn cần đăng nhập', 'You need to log in')),
  forbidden: (message = m('Bạn không có quyền thực hiện thao tác này', 'You are not allowed to do this')) =>
    new AppError('FORBIDDEN', 403, message),
  notFound: (entity = 'resource') =>
    new AppError('NOT_FOUND', 404, m('Không tìm thấy dữ liệu', `The ${entity} was not found`)),
  conflict: (message: Message, details: ErrorDetail[] = []) => new AppError('CONFLICT', 409, message, details),
  duplicate: (details: ErrorDetail[] = []) =>
    new AppError('DUPLICATE', 409, m('Dữ liệu đã tồn tại', 'This record already exists'), details),
  preconditionFailed: () =>
    new AppError(
      'PRECONDITION_FAILED',
      412,
      m('Hồ sơ đã được người khác thay đổi; hãy tải lại', 'Someone else changed this record meanwhile; reload it'),
    ),
  preconditionRequired: () =>
    new AppError(
      'PRECONDITION_REQUIRED',
      428,
      m('Thiếu tiêu đề If-Match (phiên bản hồ sơ)', 'The If-Match header (record version) is required'),
    ),
  payloadTooLarge: (limit: string) =>
    new AppError('PAYLOAD_TOO_LARGE', 413, m(`Dữ liệu gửi lên quá lớn (tối đa ${limit})`, `The request is too large (limit ${limit})`)),
  tooManyRequests: (message = m('Quá nhiều yêu cầu; hãy thử lại sau', 'Too many requests; try again later')) =>
    new AppError('TOO_MANY_REQUESTS', 429, message),
};

/**
 * What may be logged about an error: its class name, stable code and SQLSTATE — never its message. A database
 * driver's message (and Drizzle's "Failed query: … params: …") carries names, ID numbers and member lists, so it
 * never reaches the log (issue 13 item 1); the request id ties the log line to the user's report.
 */
export function loggableError(err: unknown): { name: string; code: string | null; sqlstate: string | null } {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; cause?: unknown };
  const name = typeof e.name === 'string' && /^\w{1,60}$/.test(e.name) ? e.name : typeof err;
  let code: string | null = err instanceof AppError ? err.code : typeof e.code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(e.code) ? e.code : null;
  let sqlstate: string | null = null;
  for (let c: unknown = err, depth = 0; c && typeof c === 'object' && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const cc = (c as { code?: unknown }).code;
    if (typeof cc === 'string' && /^[0-9A-Z]{5}$/.test(cc)) {
      sqlstate = cc;
      break;
    }
  }
  if (code === sqlstate) code = null;
  return { name, code, sqlstate };
}

/**
 * Translates PostgreSQL errors (same SQLSTATE on PGlite and on a server) into AppErrors, in one place.
 * Returns null for anything that is not a constraint problem the user can fix.
 */
export function fromDatabaseError(err: unknown): AppError | null {
  const e = err as { code?: unknown; constraint?: unknown; column?: unknown; cause?: unknown };
  if (!e || typeof e !== 'object') return null;
  if (typeof e.code !== 'string' && e.cause) return fromDatabaseError(e.cause);
  const constraint = typeof e.constraint === 'string' ? e.constraint : '';
  const path = constraint || (typeof e.column === 'string' ? e.column : '');
  switch (e.code) {
    case '23505':
      return errors.duplicate([{ path, code: 'UNIQUE', message: m('Giá trị đã tồn tại', 'Value already exists') }]);
    case '23503':
      return errors.validation([
        { path, code: 'REFERENCE', message: m('Tham chiếu tới dữ liệu không tồn tại', 'Refers to a record that does not exist') },
      ]);
    case '23502':
      return errors.validation([{ path, code: 'REQUIRED', message: m('Thiếu giá trị bắt buộc', 'A required value is missing') }]);
    case '23514':
    case '22P02':
    case '22003':
    case '22001':
      return errors.validation([{ path, code: 'INVALID', message: m('Giá trị không hợp lệ', 'Invalid value') }]);
    // A NUL byte or a character the database encoding cannot hold: the text checks refuse these first
    // (text-safety.ts); this only backs them up.
    case '22021':
    case '22P05':
    case '54000':
      return errors.validation([{ path, code: 'INVALID_CHARACTERS', message: m('Có ký tự không hợp lệ', 'Contains characters that are not allowed') }]);
    case '40001':
    case '40P01':
      return errors.conflict(m('Xung đột khi ghi; hãy thử lại', 'Write conflict; try again'));
    default:
      return null;
  }
}
