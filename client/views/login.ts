/** Sign-in, and the password change the server requires at first login. */
import { changePassword, login, me } from '../api/endpoints.ts';
import { ApiError } from '../api/http.ts';
import { clearFieldErrors, field, h, showFieldError } from '../dom.ts';
import { loc, t } from '../i18n/index.ts';
import { navigate, type Route } from '../router.ts';
import { state } from '../state.ts';

function errorBox(): HTMLElement {
  return h('div', { class: 'form-error', role: 'alert', 'aria-live': 'assertive', 'data-testid': 'form-error' });
}

function goNext(route: Route): void {
  const next = route.query.get('next');
  if (next && next.startsWith('/') && !next.startsWith('/login')) location.hash = `#${next}`;
  else navigate('/');
}

export function loginView(route: Route, outlet: HTMLElement): void {
  if (state.user && !state.user.mustChangePassword) return goNext(route);
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('login.submit'));
  const form = h(
    'form',
    {
      class: 'card narrow',
      novalidate: true,
      'aria-labelledby': 'login-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        if (!username.value.trim() || !password.value) {
          error.textContent = t('login.missing');
          return;
        }
        submit.disabled = true;
        try {
          state.user = await login(username.value.trim(), password.value);
          if (state.user.mustChangePassword) navigate('/password');
          else goNext(route);
        } catch (err) {
          error.textContent = loginErrorText(err);
          password.value = '';
          password.focus();
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h1', { id: 'login-title' }, t('login.title')),
    h('p', { class: 'muted' }, t('login.intro')),
    error,
    field(t('login.username'), username),
    field(t('login.password'), password),
    submit,
  );
  outlet.replaceChildren(form);
}

function loginErrorText(err: unknown): string {
  if (!(err instanceof ApiError)) return t('error.unexpected');
  if (err.status === 429) return `${t('login.throttled')} ${loc(err.text)}`;
  if (err.code === 'VALIDATION_FAILED') return t('login.missing');
  if (err.status === 401) return t('login.wrong');
  return loc(err.text);
}

export async function passwordView(_route: Route, outlet: HTMLElement): Promise<void> {
  const current = h('input', { name: 'currentPassword', type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true, minlength: '10' });
  const repeat = h('input', { name: 'repeat', type: 'password', autocomplete: 'new-password', required: true });
  const error = errorBox();
  const done = h('p', { class: 'success', role: 'status' });
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card narrow',
      novalidate: true,
      'aria-labelledby': 'pw-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        clearFieldErrors(form);
        if (next.value.length < 10) return void showFieldError(form, 'newPassword', t('password.tooShort'));
        if (next.value !== repeat.value) return void showFieldError(form, 'repeat', t('password.mismatch'));
        try {
          await changePassword(current.value, next.value);
          state.user = await me();
          done.textContent = t('password.done');
          setTimeout(() => navigate('/'), 600);
        } catch (err) {
          if (err instanceof ApiError) {
            let placed = false;
            for (const d of err.details) placed = showFieldError(form, d.path, loc(d.message)) || placed;
            if (!placed) error.textContent = err.status === 401 || err.code === 'INVALID_CREDENTIALS' ? t('password.wrongCurrent') : loc(err.text);
          } else error.textContent = t('error.unexpected');
        }
      },
    },
    h('h1', { id: 'pw-title' }, t('password.title')),
    state.user?.mustChangePassword ? h('p', { class: 'notice' }, t('password.required')) : null,
    error,
    field(t('password.current'), current, { name: 'currentPassword' }),
    field(t('password.new'), next, { name: 'newPassword', hint: t('password.rule') }),
    field(t('password.repeat'), repeat, { name: 'repeat' }),
    h('button', { type: 'submit', class: 'primary' }, t('password.submit')),
    done,
  );
  outlet.replaceChildren(form);
}
