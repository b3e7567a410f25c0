import crypto from 'node:crypto';
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { sessions, users } from '../../db/schema.ts';
import type { Executor } from '../../db/client.ts';

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

export async function countUsers(exec: Executor): Promise<number> {
  const [r] = await exec.select({ n: sql<number>`count(*)::int` }).from(users);
  return r?.n ?? 0;
}

export async function findUserByUsername(exec: Executor, username: string): Promise<UserRow | null> {
  const [r] = await exec.select().from(users).where(eq(users.username, username));
  return r ?? null;
}

export async function findUserById(exec: Executor, id: string): Promise<UserRow | null> {
  const [r] = await exec.select().from(users).where(eq(users.id, id));
  return r ?? null;
}

export type ListedUserRow = UserRow & { lastLoginAt: Date | null };

/**
 * Accounts by name, each with its last sign-in: the newest browser session it opened (sessions are created only by a
 * successful login, so no extra column has to be kept in step).
 */
export async function listUsers(exec: Executor, page: { limit: number; offset: number } = { limit: 10_000, offset: 0 }): Promise<ListedUserRow[]> {
  const lastLogin = exec
    .select({ userId: sessions.userId, at: sql<Date>`max(${sessions.createdAt})`.as('last_login_at') })
    .from(sessions)
    .groupBy(sessions.userId)
    .as('last_login');
  const rows = await exec
    .select({ user: users, lastLoginAt: lastLogin.at })
    .from(users)
    .leftJoin(lastLogin, eq(lastLogin.userId, users.id))
    .orderBy(users.username)
    .limit(page.limit)
    .offset(page.offset);
  return rows.map((r) => ({ ...r.user, lastLoginAt: r.lastLoginAt ? new Date(r.lastLoginAt) : null }));
}

/** Enabled admins other than `exceptId`: refusing to disable or demote the last one keeps the system manageable. */
export async function countOtherActiveAdmins(exec: Executor, exceptId: string): Promise<number> {
  const [r] = await exec
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.disabled, false), ne(users.id, exceptId)));
  return r?.n ?? 0;
}

export async function insertUser(exec: Executor, values: typeof users.$inferInsert): Promise<UserRow> {
  const [r] = await exec.insert(users).values(values).returning();
  return r!;
}

export async function updateUser(exec: Executor, id: string, values: Partial<typeof users.$inferInsert>): Promise<UserRow> {
  const [r] = await exec
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return r!;
}

export function hashToken(secret: Buffer, token: string): string {
  return crypto.createHmac('sha256', secret).update(token).digest('base64url');
}

export async function insertSession(exec: Executor, values: typeof sessions.$inferInsert): Promise<SessionRow> {
  const [r] = await exec.insert(sessions).values(values).returning();
  return r!;
}

/** A live (not revoked) session or token with its user. Expiry is checked by the caller, who knows the policy. */
export async function findLiveSession(exec: Executor, tokenHash: string): Promise<{ session: SessionRow; user: UserRow } | null> {
  const [r] = await exec
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)));
  return r ?? null;
}

export async function touchSession(exec: Executor, id: string, at: Date): Promise<void> {
  await exec.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));
}

export async function revokeSession(exec: Executor, id: string): Promise<void> {
  await exec.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}

/** Revokes every live session and token of a user, except `keepSessionId` (the one changing its password). */
export async function revokeUserSessions(exec: Executor, userId: string, keepSessionId?: string): Promise<number> {
  const rows = await exec
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keepSessionId ? ne(sessions.id, keepSessionId) : undefined))
    .returning({ id: sessions.id });
  return rows.length;
}

/** The user's API tokens still in force (not revoked, not past their absolute expiry), newest first. */
export async function listUserTokens(exec: Executor, userId: string, now: Date): Promise<Pick<SessionRow, 'id' | 'name' | 'createdAt' | 'lastSeenAt' | 'expiresAt'>[]> {
  return exec
    .select({ id: sessions.id, name: sessions.name, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.kind, 'token'), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.createdAt));
}

/** Revokes one API token of the user; false when it is not theirs, not a token, or already revoked. */
export async function revokeUserToken(exec: Executor, userId: string, id: string): Promise<boolean> {
  const rows = await exec
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId), eq(sessions.kind, 'token'), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}
