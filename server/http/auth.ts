import crypto from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { Actor, AppDeps, Ctx, Role } from '../context.ts';
import { AppError, errors } from '../errors.ts';
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
      if (!SAFE_METHODS.has(req.method)) {
        const sent = String(req.headers[CSRF_HEADER] ?? '');
        const expected = req.auth.csrfToken ?? '';
        const ok = sent.length === expected.length && expected.length > 0 && crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
        if (!ok) throw new AppError('CSRF_FAILED', 403, { vi: 'Thiếu hoặc sai mã chống giả mạo (CSRF)', en: 'Missing or wrong CSRF token' });
      }
    }
    next();
  };
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

/**
 * Login throttling (express-rate-limit): at most `config.loginRateLimit` failed attempts per 15 minutes per account
 * and, separately, per client IP. Successful logins do not count, so a busy office behind one address is not locked
 * out by its own staff. The counters live in the database (SharedCounterStore), so every app instance behind a proxy
 * counts the same attempts.
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
    logger: { error: (e: unknown, msg?: string) => deps.logger.error({ err: String(e) }, msg ?? 'rate limiter'), warn: (e: unknown, msg?: string) => deps.logger.warn({ err: String(e) }, msg ?? 'rate limiter') },
  };
  const perIp = rateLimit({ ...common, store: new SharedCounterStore(deps.db, deps.secret, 'login-ip'), keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}` });
  const perAccount = rateLimit({
    ...common,
    store: new SharedCounterStore(deps.db, deps.secret, 'login-account'),
    // The username typed at login, or the signed-in account when it re-enters its password (password change).
    keyGenerator: (req) => {
      const typed = (req.body as { username?: unknown } | undefined)?.username;
      const name = typeof typed === 'string' ? typed.trim().toLowerCase() : (req.auth?.actor.username ?? '');
      return `user:${name}`;
    },
  });
  return [perIp, perAccount];
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
        deps.logger.error({ err: { message: (auditError as Error)?.message }, requestId: String(req.id) }, 'could not record access_denied');
      }
    }
    next(err);
  };
}
