import { Router, type Response } from 'express';
import type { AppDeps } from '../../context.ts';
import { Joi, validate } from '../validate.ts';
import { SESSION_COOKIE, requireActor } from '../auth.ts';
import { checkCredentials, issueSession, logout } from '../../domain/users/auth-service.ts';
import { presentUser } from '../presenters/users.ts';

const credentials = Joi.object({
  username: Joi.string().trim().max(64).required(),
  password: Joi.string().max(256).required(),
});

export function authRouter(deps: AppDeps): Router {
  const r = Router();
  const setCookie = (res: Response, token: string, expiresAt: Date) =>
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.config.cookieSecure,
      path: '/',
      expires: expiresAt,
    });

  r.post('/auth/login', async (req, res) => {
    const body = validate<{ username: string; password: string }>(credentials, req.body);
    const user = await checkCredentials(deps, body.username, body.password, String(req.id));
    const issued = await issueSession(deps, user, 'session', String(req.id));
    setCookie(res, issued.token, issued.expiresAt);
    res.json({ user: presentUser(user), csrfToken: issued.csrfToken });
  });

  r.post('/auth/token', async (req, res) => {
    const body = validate<{ username: string; password: string }>(credentials, req.body);
    const user = await checkCredentials(deps, body.username, body.password, String(req.id));
    const issued = await issueSession(deps, user, 'token', String(req.id));
    res.json({ token: issued.token, expiresAt: issued.expiresAt.toISOString(), user: presentUser(user) });
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
  return r;
}
