import type { Config } from '../../config.ts';
import type { Db, Executor } from '../../db/client.ts';
import { inTransaction } from '../../db/tx.ts';
import { systemActor, type Ctx, type Role } from '../../context.ts';
import { AppError, errors } from '../../errors.ts';
import { findWard } from '../units/repository.ts';
import { recordAudit } from '../audit/repository.ts';
import { hashPassword, randomPassword } from './passwords.ts';
import * as repo from './repository.ts';

/**
 * First start: when no user exists, create `admin` from ADMIN_PASSWORD, or with a random one-time password that
 * is printed once and must be changed at first login.
 */
export async function ensureFirstAdmin(db: Db, config: Config, announce: (text: string) => void): Promise<void> {
  if ((await repo.countUsers(db)) > 0) return;
  const given = config.adminPassword;
  const password = given ?? randomPassword();
  const passwordHash = await hashPassword(password);
  await inTransaction(db, async (tx) => {
    const user = await repo.insertUser(tx, { username: 'admin', passwordHash, role: 'admin', mustChangePassword: !given });
    await recordAudit(tx, { actor: systemActor(), requestId: 'bootstrap' }, { action: 'create', entity: 'user', entityId: user.id, after: { username: 'admin', role: 'admin' } });
  });
  if (!given) {
    announce(
      '\n================================================================\n' +
        ' Tài khoản quản trị đầu tiên / First administrator account\n' +
        `   username: admin\n   password: ${password}\n` +
        ' Mật khẩu chỉ hiện một lần; bạn phải đổi khi đăng nhập lần đầu.\n' +
        ' Shown once only; you must change it at first login.\n' +
        '================================================================\n\n',
    );
  }
}

// ── Account management (admin only; the router enforces the role, these functions trust their ctx) ──────────────

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  wardCode?: string | null;
  /** Default true: a password chosen by the admin is a one-time password the user replaces at first login. */
  mustChangePassword?: boolean;
}

export interface UserChanges {
  role?: Role;
  wardCode?: string | null;
  disabled?: boolean;
  password?: string;
}

/** What the audit trail keeps of an account: never the password hash. */
export function auditView(u: repo.UserRow) {
  return {
    username: u.username,
    role: u.role,
    wardCode: u.wardCode,
    districtCode: u.districtCode,
    disabled: u.disabled,
    mustChangePassword: u.mustChangePassword,
  };
}

const m = (vi: string, en: string) => ({ vi, en });

/**
 * A `ward` account is bound to exactly one existing ward and takes that ward's district; `district` accounts belong
 * to the configured district; admins to none. Any other combination is refused, never silently fixed.
 */
async function scopeFor(exec: Executor, config: Config, role: Role, wardCode: string | null): Promise<{ wardCode: string | null; districtCode: string | null }> {
  if (role !== 'ward') {
    if (wardCode) {
      throw errors.validation([
        { path: 'wardCode', code: 'WARD_NOT_ALLOWED', message: m('Chỉ tài khoản cấp phường mới gắn với phường', 'Only ward accounts are bound to a ward'), value: wardCode },
      ]);
    }
    return { wardCode: null, districtCode: role === 'district' ? config.districtCode : null };
  }
  if (!wardCode) {
    throw errors.validation([{ path: 'wardCode', code: 'WARD_REQUIRED', message: m('Tài khoản cấp phường cần mã phường', 'A ward account needs a ward code') }]);
  }
  const ward = await findWard(exec, wardCode);
  if (!ward) {
    throw errors.validation([{ path: 'wardCode', code: 'UNKNOWN_WARD', message: m('Không có phường với mã này', 'No ward has this code'), value: wardCode }]);
  }
  return { wardCode: ward.code, districtCode: ward.districtCode };
}

const usernameTaken = (username: string) =>
  errors.duplicate([{ path: 'username', code: 'USERNAME_TAKEN', message: m('Tên đăng nhập đã được dùng', 'This username is already taken'), value: username }]);

export async function listUsers(ctx: Ctx, page: { page: number; pageSize: number }): Promise<{ rows: repo.ListedUserRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    repo.listUsers(ctx.db, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize }),
    repo.countUsers(ctx.db),
  ]);
  return { rows, total };
}

export async function createUser(ctx: Ctx, input: NewUser): Promise<repo.UserRow> {
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx.db, async (tx) => {
    if (await repo.findUserByUsername(tx, input.username)) throw usernameTaken(input.username);
    const scope = await scopeFor(tx, ctx.config, input.role, input.wardCode ?? null);
    const user = await repo.insertUser(tx, {
      username: input.username,
      passwordHash,
      role: input.role,
      ...scope,
      mustChangePassword: input.mustChangePassword ?? true,
    });
    await recordAudit(tx, ctx, { action: 'create', entity: 'user', entityId: user.id, wardCode: user.wardCode, after: auditView(user) });
    return user;
  });
}

/**
 * Changes role, ward, disabled flag or password. A password reset makes the user choose a new one; disabling or
 * resetting revokes every session and token at once (the next request of that user is 401).
 */
export async function updateUser(ctx: Ctx, username: string, changes: UserChanges): Promise<repo.UserRow> {
  const passwordHash = changes.password !== undefined ? await hashPassword(changes.password) : undefined;
  return inTransaction(ctx.db, async (tx) => {
    const before = await repo.findUserByUsername(tx, username);
    if (!before) throw errors.notFound('user');
    const role = changes.role ?? before.role;
    // Leaving the ward role drops the ward; entering it (or moving ward) needs a ward code.
    const wardCode = changes.wardCode !== undefined ? changes.wardCode : role === 'ward' ? before.wardCode : null;
    const scope = await scopeFor(tx, ctx.config, role, wardCode);
    const disabled = changes.disabled ?? before.disabled;
    if (before.role === 'admin' && (role !== 'admin' || disabled) && (await repo.countOtherActiveAdmins(tx, before.id)) === 0) {
      throw new AppError('LAST_ADMIN', 409, m('Không thể khoá hoặc hạ quyền quản trị viên cuối cùng', 'The last active administrator cannot be disabled or demoted'));
    }
    const after = await repo.updateUser(tx, before.id, {
      role,
      ...scope,
      disabled,
      ...(passwordHash ? { passwordHash, mustChangePassword: true } : {}),
    });
    const revoked = disabled || passwordHash ? await repo.revokeUserSessions(tx, before.id) : 0;
    await recordAudit(tx, ctx, {
      action: 'update',
      entity: 'user',
      entityId: before.id,
      wardCode: after.wardCode ?? before.wardCode,
      before: auditView(before),
      after: auditView(after),
      meta: { passwordReset: Boolean(passwordHash), sessionsRevoked: revoked },
    });
    return after;
  });
}
