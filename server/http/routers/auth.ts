import { Router, type Response } from 'express';
import type { AppDeps } from '../../context.ts';
import { validate } from '../validate.ts';
import { SESSION_COOKIE, loginThrottle, requireActor } from '../auth.ts';
import { changePassword, checkCredentials, issueSession, listTokens, logout, revokeToken, type PasswordChange } from '../../domain/users/auth-service.ts';
import { presentUser } from '../presenters/users.ts';
import { credentialsSchema, passwordChangeSchema, tokenIdParam, tokenRequestSchema } from '../schemas/users.ts';

interface Credentials {
  username: string;
  password: string;
}

export function authRouter(deps: AppDeps): Router {
  const r = Router();
  // One pair of limiters shared by every route that checks a password, so they cannot be played off each other.
  const throttle = loginThrottle(deps);
  const setCookie = (res: Response, token: string, expiresAt: Date) =>
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.config.cookieSecure,
      path: '/',
      expires: expiresAt,
    });

  r.post('/auth/login', ...throttle, async (req, res) => {
    const body = validate<Credentials>(credentialsSchema, req.body);
    const user = await checkCredentials(deps, body.username, body.password, String(req.id), req.ip ?? null);
    const issued = await issueSession(deps, user, 'session', String(req.id));
    setCookie(res, issued.token, issued.expiresAt);
    res.json({ user: presentUser(user), csrfToken: issued.csrfToken });
  });

  r.post('/auth/token', ...throttle, async (req, res) => {
    const body = validate<Credentials & { name?: string | null }>(tokenRequestSchema, req.body);
    const user = await checkCredentials(deps, body.username, body.password, String(req.id), req.ip ?? null);
    const issued = await issueSession(deps, user, 'token', String(req.id), body.name);
    res.json({ token: issued.token, name: issued.name, expiresAt: issued.expiresAt.toISOString(), user: presentUser(user) });
  });

  r.post('/auth/logout', async (req, res) => {
    const actor = requireActor(req, { allowPasswordChange: true });
    await logout(deps, req.auth!.sessionId, actor, String(req.id));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  r.get('/auth/me', async (req, res) => {
    const actor = requireActor(req, { allowPasswordChange: true });
    res.json({
      user: { username: actor.username, role: actor.role, wardCode: actor.wardCode, districtCode: actor.districtCode, mustChangePassword: actor.mustChangePassword },
      csrfToken: req.auth!.csrfToken,
    });
  });

  r.get('/auth/tokens', async (req, res) => {
    const actor = requireActor(req);
    const tokens = await listTokens(deps, actor);
    const iso = (d: Date) => d.toISOString();
    res.json({ data: tokens.map((t) => ({ id: t.id, name: t.name, createdAt: iso(t.createdAt), lastUsedAt: iso(t.lastSeenAt), expiresAt: iso(t.expiresAt) })), meta: { total: tokens.length, page: 1, pageSize: tokens.length } });
  });

  r.delete('/auth/tokens/:id', async (req, res) => {
    const actor = requireActor(req);
    const { id } = validate<{ id: string }>(tokenIdParam, req.params);
    await revokeToken(deps, actor, id, String(req.id));
    res.status(204).end();
  });

  /** The one thing a user who must change the password may do. Keeps the calling session, revokes the others. */
  r.post('/auth/password', ...throttle, async (req, res) => {
    const actor = requireActor(req, { allowPasswordChange: true });
    const body = validate<PasswordChange>(passwordChangeSchema, req.body);
    await changePassword(deps, actor, req.auth!.sessionId, body, String(req.id));
    res.json({ user: { username: actor.username, role: actor.role, wardCode: actor.wardCode, districtCode: actor.districtCode, mustChangePassword: false } });
  });
  return r;
}
