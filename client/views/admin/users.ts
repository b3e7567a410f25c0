/** Users (admin only): list with last sign-in, create, change role/ward, disable/enable, reset password. */
import { createUser, listUsers, updateUser, type UserPatch } from '../../api/admin.ts';
import type { AdminUser, Role } from '../../api/types.ts';
import { field, h, uid } from '../../dom.ts';
import { fmtDateTime, t, type MessageKey } from '../../i18n/index.ts';
import type { Route } from '../../router.ts';
import { state, wardName } from '../../state.ts';
import { alertBox, errorText, pageTitle, scrollRegion } from '../common.ts';
import { formSummary, problemsOf, requiredLabel, showProblems, type Problem } from './form-errors.ts';

/** Mirrors server/domain/users/passwords.ts MIN_PASSWORD_LENGTH and the username pattern of schemas/users.ts. */
const MIN_PASSWORD_LENGTH = 10;
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const ROLES: Role[] = ['ward', 'district', 'admin'];

function roleSelect(id: string, value: Role): HTMLSelectElement {
  return h('select', { id, name: 'role' }, ROLES.map((r) => h('option', { value: r, selected: r === value }, t(`role.${r}` as MessageKey))));
}

function wardSelect(id: string, value: string | null): HTMLSelectElement {
  return h(
    'select',
    { id, name: 'wardCode' },
    h('option', { value: '' }, t('users.noWard')),
    state.wards.map((w) => h('option', { value: w.properties.code, selected: w.properties.code === value }, `${w.properties.name} (${w.properties.code})`)),
  );
}

/** The client-side checks, all at once (the server repeats them). */
function checkUser(input: { username?: string; password?: string; role: Role; wardCode: string | null }): Problem[] {
  const out: Problem[] = [];
  if (input.username !== undefined && !USERNAME.test(input.username)) out.push({ path: 'username', message: t('users.usernameInvalid') });
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) out.push({ path: 'password', message: t('users.passwordShort', { n: MIN_PASSWORD_LENGTH }) });
  if (input.role === 'ward' && !input.wardCode) out.push({ path: 'wardCode', message: t('users.wardRequired') });
  return out;
}

export async function usersView(_route: Route, outlet: HTMLElement): Promise<void> {
  const status = h('div', { role: 'status', 'aria-live': 'polite', class: 'success', 'data-testid': 'users-status' });
  const listBox = h('div', { 'data-testid': 'users-list' }, h('p', {}, t('common.loading')));
  outlet.replaceChildren(pageTitle('users.title'), createForm(status, () => void refresh()), status, listBox);

  async function refresh(): Promise<void> {
    try {
      const page = await listUsers();
      listBox.replaceChildren(h('p', { class: 'muted' }, t('users.count', { n: page.meta.total })), usersTable(page.data, status, () => void refresh()));
    } catch (err) {
      listBox.replaceChildren(alertBox(errorText(err)));
    }
  }
  await refresh();
}

function createForm(status: HTMLElement, done: () => void): HTMLElement {
  const username = h('input', { id: 'new-username', name: 'username', autocomplete: 'off', required: true, 'aria-required': 'true' });
  const password = h('input', { id: 'new-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, 'aria-required': 'true' });
  const role = roleSelect('new-role', 'ward');
  const ward = wardSelect('new-ward', null);
  const summary = formSummary();
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      'data-testid': 'user-create',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const input = { username: username.value.trim().toLowerCase(), password: password.value, role: role.value as Role, wardCode: role.value === 'ward' ? ward.value || null : null };
        const problems = checkUser(input);
        if (problems.length) return showProblems(form, summary, problems);
        try {
          await createUser(input);
          showProblems(form, summary, []);
          form.reset();
          status.textContent = t('users.created', { name: input.username });
          done();
        } catch (err) {
          showProblems(form, summary, problemsOf(err));
        }
      },
    },
    h('h2', {}, t('users.create')),
    summary,
    h(
      'div',
      { class: 'grid-2' },
      field(requiredLabel(t('users.username')), username, { name: 'username', hint: t('users.usernameHint') }),
      field(requiredLabel(t('users.tempPassword')), password, { name: 'password', hint: t('users.passwordHint', { n: MIN_PASSWORD_LENGTH }) }),
      field(requiredLabel(t('users.role')), role, { name: 'role' }),
      field(t('users.ward'), ward, { name: 'wardCode' }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('users.create'))),
  );
  return form;
}

function usersTable(users: AdminUser[], status: HTMLElement, refresh: () => void): HTMLElement {
  const act = async (u: AdminUser, patch: UserPatch, message: string, row: HTMLElement) => {
    try {
      await updateUser(u.username, patch);
      status.textContent = message;
      refresh();
    } catch (err) {
      row.querySelector('.row-error')!.textContent = problemsOf(err).map((p) => p.message).join(' ');
    }
  };
  return scrollRegion(
    t('users.title'),
    h(
      'table',
      { class: 'data-table cards-on-phone' },
      h('thead', {}, h('tr', {}, (['users.username', 'users.role', 'common.ward', 'users.status', 'users.lastLogin', 'users.actions'] as MessageKey[]).map((k) => h('th', { scope: 'col' }, t(k))))),
      h(
        'tbody',
        {},
        users.map((u) => {
          const row = h(
            'tr',
            { 'data-username': u.username },
            h('th', { scope: 'row', 'data-label': t('users.username') }, h('code', {}, u.username)),
            h('td', { 'data-label': t('users.role') }, t(`role.${u.role}` as MessageKey)),
            h('td', { 'data-label': t('common.ward') }, u.wardCode ? wardName(u.wardCode) : '—'),
            h('td', { 'data-label': t('users.status') }, u.disabled ? h('span', { class: 'badge' }, t('users.disabled')) : t('users.active'), u.mustChangePassword ? h('span', { class: 'muted' }, ` · ${t('users.mustChange')}`) : null),
            h('td', { 'data-label': t('users.lastLogin') }, u.lastLoginAt ? fmtDateTime(u.lastLoginAt) : t('users.never')),
            h('td', { 'data-label': t('users.actions') }),
          );
          const actions = row.lastElementChild as HTMLElement;
          const editor = h('div', { class: 'row-editor' });
          actions.append(
            h(
              'div',
              { class: 'actions' },
              h('button', { type: 'button', 'aria-expanded': 'false', onclick: (e: Event) => toggleEditor(e.currentTarget as HTMLButtonElement, editor, u, (patch) => act(u, patch, t('admin.saved'), row)) }, t('users.edit')),
              h(
                'button',
                {
                  type: 'button',
                  class: u.disabled ? null : 'danger',
                  onclick: () => {
                    if (!u.disabled && !confirm(t('users.confirmDisable', { name: u.username }))) return;
                    void act(u, { disabled: !u.disabled }, t('admin.saved'), row);
                  },
                },
                u.disabled ? t('users.enable') : t('users.disable'),
              ),
              h('button', { type: 'button', onclick: (e: Event) => togglePassword(e.currentTarget as HTMLButtonElement, editor, (password) => act(u, { password }, t('users.resetDone', { name: u.username }), row)) }, t('users.resetPassword')),
            ),
            editor,
            h('div', { class: 'row-error field-error', role: 'alert' }),
          );
          return row;
        }),
      ),
    ),
  );
}

function toggleEditor(button: HTMLButtonElement, box: HTMLElement, u: AdminUser, save: (patch: UserPatch) => Promise<void>): void {
  if (box.childElementCount) return void (box.replaceChildren(), button.setAttribute('aria-expanded', 'false'));
  const role = roleSelect(uid('role'), u.role);
  const ward = wardSelect(uid('ward'), u.wardCode);
  const summary = formSummary();
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'inline-form',
      'aria-label': t('users.editOf', { name: u.username }),
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const input = { role: role.value as Role, wardCode: role.value === 'ward' ? ward.value || null : null };
        const problems = checkUser(input);
        if (problems.length) return showProblems(form, summary, problems);
        await save(input);
      },
    },
    summary,
    field(t('users.role'), role, { name: 'role' }),
    field(t('users.ward'), ward, { name: 'wardCode' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('users.save'))),
  );
  box.replaceChildren(form);
  button.setAttribute('aria-expanded', 'true');
  role.focus();
}

function togglePassword(button: HTMLButtonElement, box: HTMLElement, save: (password: string) => Promise<void>): void {
  const password = h('input', { id: uid('pw'), type: 'password', autocomplete: 'new-password', required: true, 'aria-required': 'true' });
  const summary = formSummary();
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const problems = checkUser({ password: password.value, role: 'admin', wardCode: null });
        if (problems.length) return showProblems(form, summary, problems);
        await save(password.value);
      },
    },
    summary,
    field(requiredLabel(t('users.tempPassword')), password, { name: 'password', hint: t('users.passwordHint', { n: MIN_PASSWORD_LENGTH }) }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('users.resetPassword'))),
  );
  box.replaceChildren(form);
  button.setAttribute('aria-expanded', 'true');
  password.focus();
}
