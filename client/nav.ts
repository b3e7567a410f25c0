/**
 * The top navigation: one list. An entry with `roles` shows only to those roles; pages added by other work (rounds,
 * backups, duplicates…) add one line here and one `route(...)` in main.ts.
 */
import type { Role } from './api/types.ts';
import type { MessageKey } from './i18n/index.ts';

export interface NavEntry {
  path: string;
  key: MessageKey;
  roles?: Role[];
}

export const NAV: NavEntry[] = [
  { path: '/', key: 'nav.map' },
  { path: '/households', key: 'nav.households' },
  { path: '/import', key: 'nav.import' },
  { path: '/reports', key: 'nav.reports' },
  // Administration (issue 15).
  { path: '/admin/users', key: 'nav.admin.users', roles: ['admin'] },
  { path: '/admin/totals', key: 'nav.admin.totals', roles: ['admin', 'district'] },
  { path: '/admin/criteria', key: 'nav.admin.criteria', roles: ['admin', 'district'] },
  { path: '/admin/audit', key: 'nav.admin.audit', roles: ['admin', 'district'] },
  { path: '/api-docs', key: 'nav.api', roles: ['admin'] },
];

export const navFor = (role: Role | undefined): NavEntry[] => NAV.filter((n) => !n.roles || (role !== undefined && n.roles.includes(role)));
