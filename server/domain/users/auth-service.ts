import crypto from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../context.ts';
import { AppError, errors } from '../../errors.ts';
import { inTransaction } from '../../db/tx.ts';
import { recordAudit } from '../audit/repository.ts';
import { cleanText } from '../text.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.ts';
import * as repo from './repository.ts';

export interface AuthDeps {
  db: Db;
  config: Config;
  secret: Buffer;
}

export function actorOf(user: repo.UserRow): Actor {
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    districtCode: user.districtCode,
    wardCode: user.wardCode,
    mustChangePassword: user.mustChangePassword,
  };
}

const invalidCredentials = () =>
  new AppError('INVALID_CREDENTIALS', 401, {
    vi: 'Tên đăng nhập hoặc mật khẩu không đúng',
    en: 'Wrong username or password',
  });

/**
 * Checks a username and password; audits failures (without the password, with the client address so an officer can
 * see where guesses came from). Same work for unknown users.
 */
export async function checkCredentials(deps: AuthDeps, username: string, password: string, requestId: string, client: string | null = null): Promise<repo.UserRow> {
  const user = await repo.findUserByUsername(deps.db, username);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.disabled) {
    await recordAudit(deps.db, { actor: null, requestId, username }, {
      action: 'login_failed',
      entity: 'user',
      entityId: user?.id ?? null,
      meta: { reason: !user ? 'unknown_user' : user.disabled && ok ? 'disabled' : 'wrong_password', client },
    });
    throw invalidCredentials();
  }
  return user;
}

export interface IssuedSession {
  token: string;
  csrfToken: string | null;
  expiresAt: Date;
  /** The API token's name (NFC, white space collapsed), null when none was given. */
  name: string | null;
  user: repo.UserRow;
}

/**
 * Creates a browser session (kind 'session', with a CSRF token) or an API token (kind 'token', with the optional
 * name its owner gave it so they can tell their tokens apart in GET /api/auth/tokens).
 */
export async function issueSession(deps: AuthDeps, user: repo.UserRow, kind: 'session' | 'token', requestId: string, rawName: string | null = null): Promise<IssuedSession> {
  const name = kind === 'token' && rawName ? cleanText(rawName) || null : null;
  const token = crypto.randomBytes(32).toString('base64url');
  const csrfToken = kind === 'session' ? crypto.randomBytes(24).toString('base64url') : null;
  const now = Date.now();
  const ttlMs = kind === 'session' ? deps.config.sessionAbsoluteHours * 3600_000 : deps.config.tokenTtlHours * 3600_000;
  const expiresAt = new Date(now + ttlMs);
  await inTransaction(deps.db, async (tx) => {
    await repo.insertSession(tx, { tokenHash: repo.hashToken(deps.secret, token), userId: user.id, kind, csrfToken, expiresAt, name });
    await recordAudit(tx, { actor: actorOf(user), requestId }, { action: 'login', entity: 'user', entityId: user.id, meta: { kind } });
  });
  return { token, csrfToken, expiresAt, name, user };
}

export interface ResolvedSession {
  actor: Actor;
  sessionId: string;
  kind: 'session' | 'token';
  csrfToken: string | null;
  expiresAt: Date;
}

/**
 * Resolves a presented token to its actor, enforcing the absolute expiry, the idle timeout for browser sessions
 * and the user's disabled flag at every request (disabling a user kills its sessions at the next request).
 */
export async function resolveSession(deps: AuthDeps, token: string, kind: 'session' | 'token'): Promise<ResolvedSession> {
  const found = await repo.findLiveSession(deps.db, repo.hashToken(deps.secret, token));
  if (!found || found.session.kind !== kind) throw errors.unauthenticated();
  const { session, user } = found;
  const now = new Date();
  // Browser sessions idle out after minutes; an API token left unused for TOKEN_IDLE_DAYS stops working too.
  const idleMs = kind === 'session' ? deps.config.sessionIdleMinutes * 60_000 : deps.config.tokenIdleDays * 86_400_000;
  const idleExpired = now.getTime() - session.lastSeenAt.getTime() > idleMs;
  if (user.disabled || now >= session.expiresAt || idleExpired) {
    await repo.revokeSession(deps.db, session.id);
    throw errors.unauthenticated();
  }
  // Touch at most once a minute: keeps the idle clock right without a write per request.
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) await repo.touchSession(deps.db, session.id, now);
  return { actor: actorOf(user), sessionId: session.id, kind, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

export async function logout(deps: AuthDeps, sessionId: string, actor: Actor, requestId: string): Promise<void> {
  await inTransaction(deps.db, async (tx) => {
    await repo.revokeSession(tx, sessionId);
    await recordAudit(tx, { actor, requestId }, { action: 'logout', entity: 'user', entityId: actor.userId });
  });
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/**
 * The user changes their own password: the current one must be right and the new one different. Clears the
 * must-change flag (first login, admin reset) and revokes every other session and token of the user, so a stolen
 * session stops working the moment the owner changes the password.
 */
export async function changePassword(deps: AuthDeps, actor: Actor, keepSessionId: string, input: PasswordChange, requestId: string): Promise<void> {
  const user = await repo.findUserById(deps.db, actor.userId);
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw errors.validation([
      { path: 'currentPassword', code: 'WRONG_PASSWORD', message: { vi: 'Mật khẩu hiện tại không đúng', en: 'The current password is wrong' } },
    ]);
  }
  if (input.newPassword.normalize('NFC') === input.currentPassword.normalize('NFC')) {
    throw errors.validation([
      { path: 'newPassword', code: 'PASSWORD_UNCHANGED', message: { vi: 'Mật khẩu mới phải khác mật khẩu hiện tại', en: 'The new password must differ from the current one' } },
    ]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(deps.db, async (tx) => {
    await repo.updateUser(tx, user.id, { passwordHash, mustChangePassword: false });
    const revoked = await repo.revokeUserSessions(tx, user.id, keepSessionId);
    await recordAudit(tx, { actor, requestId }, {
      action: 'password_change',
      entity: 'user',
      entityId: user.id,
      wardCode: user.wardCode,
      before: { mustChangePassword: user.mustChangePassword },
      after: { mustChangePassword: false },
      meta: { sessionsRevoked: revoked },
    });
  });
}

/** The caller's API tokens in force: when created, last used, when they expire (never the token itself). */
export async function listTokens(deps: AuthDeps, actor: Actor) {
  return repo.listUserTokens(deps.db, actor.userId, new Date());
}

/** Revokes one of the caller's API tokens (404 for anything else: another user's, a browser session, unknown). */
export async function revokeToken(deps: AuthDeps, actor: Actor, id: string, requestId: string): Promise<void> {
  await inTransaction(deps.db, async (tx) => {
    if (!(await repo.revokeUserToken(tx, actor.userId, id))) throw errors.notFound('token');
    await recordAudit(tx, { actor, requestId }, { action: 'token_revoke', entity: 'user', entityId: actor.userId, meta: { tokenId: id } });
  });
}
