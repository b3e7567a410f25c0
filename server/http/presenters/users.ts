import type { UserRow } from '../../domain/users/repository.ts';

/** The public shape of a user: never the password hash. */
export function presentUser(u: UserRow & { lastLoginAt?: Date | null }) {
  return {
    username: u.username,
    role: u.role,
    wardCode: u.wardCode,
    districtCode: u.districtCode,
    disabled: u.disabled,
    mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt.toISOString(),
    ...(u.lastLoginAt !== undefined ? { lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null } : {}),
  };
}
