import crypto from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { Actor, AppDeps, Ctx, Role } from '../context.ts';
import { AppError, errors, loggableError } from '../errors.ts';
import { resolveSession, type ResolvedSession } from '../domain/users/auth-service.ts';
import { recordAudit } from '../domain/audit/repository.ts';
import { SharedCounterStore } from './shared-counters.ts';

export const SESSION_COOKIE = 'shn_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'express-serve-static-core' {
  interface Request {
    auth?: ResolvedSession;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(req: Request): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(h.trim());
  if (!match) throw errors.unauthenticated();
  return match[1]!;
}

/**
 * Resolves the caller from `Authorization: Bearer <token>` (scripts; no CSRF needed) or the session cookie
 * (browser). Cookie-authenticated state-changing requests must echo the session's CSRF token in X-CSRF-Token
 * (synchronizer token), so another site cannot make the browser act for the user.
 */
export function authenticate(deps: AppDeps): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const bearer = bearerToken(req);
    if (bearer) {
      req.auth = await resolveSession(deps, bearer, 'token');
      return next();
    }
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (cookie) {
      try {
        req.auth = await resolveSession(deps, cookie, 'session');
      } catch (err) {
        // An expired cookie on a public route (login) must not block it; protected routes re-check below.
        if (!(err instanceof AppError)) throw err;
        return next();
      }
      if (isCrossSite(req)) {
        throw errors.forbidden({ vi: 'Yêu cầu đến từ một trang web khác; hãy mở trực tiếp Sổ hộ nghèo', en: 'The request came from another site; open the registry directly' });
      }
      if (!SAFE_METHODS.has(req.method)) {
        // Compare bytes, not characters: a header with non-ASCII bytes has more bytes than characters (issue 13 item 9).
        const sent = Buffer.from(String(req.headers[CSRF_HEADER] ?? ''));
        const expected = Buffer.from(req.auth.csrfToken ?? '');
        const ok = expected.length > 0 && sent.length === expected.length && crypto.timingSafeEqual(sent, expected);
        if (!ok) throw new AppError('CSRF_FAILED', 403, { vi: 'Thiếu hoặc sai mã chống giả mạo (CSRF)', en: 'Missing or wrong CSRF token' });
      }
    }
    next();
  };
}

/**
 * A cookie-authenticated request another site made the browser send (a link or image to an export, issue 13 item 6):
 * Sec-Fetch-Site says so in current browsers; without it, a foreign (or "null") Origin or Referer does. The SPA's own
 * requests are same-origin; a bookmark or typed address is "none". Bearer tokens never reach here.
 */
export function isCrossSite(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'cross-site' || site === 'same-site';
  const source = req.get('origin') ?? req.get('referer');
  if (source === undefined) return false;
  try {
    return new URL(source).host !== req.get('host');
  } catch {
    return true; // "null" or garbage
  }
}

/** The authenticated actor, or 401. Users who must change their password may only do that. */
export function requireActor(req: Request, opts: { allowPasswordChange?: boolean } = {}): Actor {
  const actor = req.auth?.actor;
  if (!actor) throw errors.unauthenticated();
  if (actor.mustChangePassword && !opts.allowPasswordChange) {
    throw new AppError('PASSWORD_CHANGE_REQUIRED', 403, {
      vi: 'Bạn cần đổi mật khẩu trước khi tiếp tục',
      en: 'You must change your password before continuing',
    });
  }
  return actor;
}

/** Builds the service context for a request; refuses roles not listed (403). */
export function ctxOf(req: Request, deps: AppDeps, roles?: Role[]): Ctx {
  const actor = requireActor(req);
  if (roles && !roles.includes(actor.role)) throw errors.forbidden();
  return { db: deps.db, engine: deps.engine, config: deps.config, actor, requestId: String(req.id), logger: deps.logger };
}

/**
 * ctxOf for read-only routes that may read from the replica (reports, trend, exports, household lists): ctx.readDb
 * is the replica once it has replayed every committed write, else the primary (db/replica.ts).
 */
export async function readCtxOf(req: Request, deps: AppDeps, roles?: Role[]): Promise<Ctx> {
  const ctx = ctxOf(req, deps, roles);
  return deps.reads?.enabled ? { ...ctx, readDb: await deps.reads.reader() } : ctx;
}

const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Per-account delay once an account has had LOGIN_RATE_LIMIT failures: 250 ms doubling up to 3 s per attempt. */
const DELAY_BASE_MS = 250;
const DELAY_MAX_MS = 3000;

/** The account a password check is for: the username typed at login, or the signed-in one (password change). */
function accountOf(req: Request): string {
  const typed = (req.body as { username?: unknown } | undefined)?.username;
  return typeof typed === 'string' ? typed.trim().toLowerCase() : (req.auth?.actor.username ?? '');
}

const clientOf = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

/**
 * A growing delay per account, whoever fails: slows a password guesser spread over many addresses without locking
 * the owner out (issue 13 item 5). Failures are counted over the throttle window; a success does not reset them.
 * The count lives in the database like the two limits (SharedCounterStore), so a guesser spreading attempts over
 * several app instances behind a proxy meets the same delay (issue 16).
 */
function accountDelay(limit: number, store: SharedCounterStore): RequestHandler {
  return async (req, res, next) => {
    const account = accountOf(req);
    res.on('finish', () => {
      if (res.statusCode !== 401 && res.statusCode !== 400) return;
      // After the answer: a failed count write must not fail the request, and is not worth a log line of its own.
      store.increment(account).catch(() => {});
    });
    try {
      const over = ((await store.get(account))?.totalHits ?? 0) - limit;
      if (over >= 0) await new Promise((resolve) => setTimeout(resolve, Math.min(DELAY_MAX_MS, DELAY_BASE_MS * 2 ** Math.min(over, 10))));
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Login throttling (express-rate-limit): at most `config.loginRateLimit` failed attempts per 15 minutes per client
 * address, and per account *from one client address* — a stranger's failures never lock the owner out of their
 * account — plus a growing per-account delay (accountDelay). Successful logins do not count, so a busy office behind
 * one address is not locked out by its own staff. The two limits count in the database (SharedCounterStore), so
 * every app instance behind a proxy counts the same attempts (issue 16).
 */
export function loginThrottle(deps: AppDeps): RequestHandler[] {
  const refuse = (_req: Request, _res: Response, next: NextFunction) =>
    next(
      errors.tooManyRequests({
        vi: 'Đăng nhập sai quá nhiều lần; hãy thử lại sau 15 phút',
        en: 'Too many failed logins; try again in 15 minutes',
      }),
    );
  const common = {
    windowMs: THROTTLE_WINDOW_MS,
    limit: deps.config.loginRateLimit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7' as const,
    legacyHeaders: false,
    handler: refuse,
    logger: { error: (e: unknown, msg?: string) => deps.logger.error({ err: loggableError(e) }, msg ?? 'rate limiter'), warn: (e: unknown, msg?: string) => deps.logger.warn({ err: loggableError(e) }, msg ?? 'rate limiter') },
  };
  const perIp = rateLimit({ ...common, store: new SharedCounterStore(deps.db, deps.secret, 'login-ip'), keyGenerator: (req) => `ip:${clientOf(req)}` });
  const perAccountAndClient = rateLimit({ ...common, store: new SharedCounterStore(deps.db, deps.secret, 'login-account-client'), keyGenerator: (req) => `user:${accountOf(req)}|ip:${clientOf(req)}` });
  // The store's window is the throttle window (its default, 15 minutes).
  const delayStore = new SharedCounterStore(deps.db, deps.secret, 'login-account-delay');
  return [perIp, perAccountAndClient, accountDelay(deps.config.loginRateLimit, delayStore)];
}

/**
 * Error middleware: records a signed-in caller's refusals (403 FORBIDDEN / CSRF_FAILED) as `access_denied` audit
 * events, in their own statement, after the refused change was abandoned or rolled back. Anonymous 401s are not
 * recorded (anyone could fill the table with them). Only method and path are kept, never the query or body.
 */
export function auditRefusals(deps: AppDeps): ErrorRequestHandler {
  return async (err: unknown, req: Request, _res: Response, next: NextFunction) => {
    const actor = req.auth?.actor;
    if (actor && err instanceof AppError && err.status === 403 && (err.code === 'FORBIDDEN' || err.code === 'CSRF_FAILED')) {
      try {
        await recordAudit(deps.db, { actor, requestId: String(req.id) }, {
          action: 'access_denied',
          entity: 'request',
          meta: { method: req.method, path: req.originalUrl.split('?')[0], code: err.code },
        });
      } catch (auditError) {
        deps.logger.error({ err: loggableError(auditError), requestId: String(req.id) }, 'could not record access_denied');
      }
    }
    next(err);
  };
}
