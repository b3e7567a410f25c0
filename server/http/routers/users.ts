import { Router } from 'express';
import type { AppDeps } from '../../context.ts';
import { validate } from '../validate.ts';
import { ctxOf } from '../auth.ts';
import { createUser, listUsers, updateUser, type NewUser, type UserChanges } from '../../domain/users/service.ts';
import { presentUser } from '../presenters/users.ts';
import { createUserSchema, pageQuery, updateUserSchema, usernameParam } from '../schemas/users.ts';

/** Account management: admin only. The role check comes first, so a refused caller learns nothing from validation. */
export function usersRouter(deps: AppDeps): Router {
  const r = Router();

  r.get('/users', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin']);
    const page = validate<{ page: number; pageSize: number }>(pageQuery, req.query);
    const { rows, total } = await listUsers(ctx, page);
    res.json({ data: rows.map(presentUser), meta: { total, page: page.page, pageSize: page.pageSize } });
  });

  r.post('/users', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin']);
    const body = validate<NewUser>(createUserSchema, req.body);
    res.status(201).json(presentUser(await createUser(ctx, body)));
  });

  r.patch('/users/:username', async (req, res) => {
    const ctx = ctxOf(req, deps, ['admin']);
    const { username } = validate<{ username: string }>(usernameParam, req.params);
    const body = validate<UserChanges>(updateUserSchema, req.body);
    res.json(presentUser(await updateUser(ctx, username, body)));
  });
  return r;
}
