/** The frame around every page: skip link, demo banner, navigation, language toggle, account menu. */
import { logout } from '../api/endpoints.ts';
import { clear, h } from '../dom.ts';
import { lang, setLang, t, type MessageKey } from '../i18n/index.ts';
import { navFor } from '../nav.ts';
import { navigate } from '../router.ts';
import { state, wardName } from '../state.ts';


export function languageToggle(): HTMLElement {
  const other = lang() === 'vi' ? 'en' : 'vi';
  return h(
    'button',
    { type: 'button', class: 'lang-toggle', 'data-testid': 'lang-toggle', lang: other, 'aria-label': t('lang.switchTo'), onclick: () => setLang(other) },
    other === 'en' ? 'English' : 'Tiếng Việt',
  );
}

export function demoBanner(): HTMLElement | null {
  if (!state.settings?.demo) return null;
  return h('div', { class: 'demo-banner', role: 'note', 'data-testid': 'demo-banner' }, t('demo.banner'));
}

export function renderFrame(root: HTMLElement, currentPath: string): HTMLElement {
  const main = h('main', { id: 'main', tabindex: '-1' });
  const user = state.user;
  const active = (p: string) => (p === '/' ? currentPath === '/' || currentPath.startsWith('/map') : currentPath.startsWith(p));
  clear(
    root,
    h('a', { class: 'skip-link', href: '#main', onclick: (e: Event) => (e.preventDefault(), main.focus()) }, t('nav.skip')),
    demoBanner(),
    h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'brand', href: '#/' }, t('app.title')),
      user
        ? h(
            'nav',
            { 'aria-label': t('nav.label') },
            navFor(user.role).map((n) => h('a', { href: `#${n.path}`, 'aria-current': active(n.path) ? 'page' : null }, t(n.key))),
          )
        : null,
      h(
        'div',
        { class: 'account' },
        languageToggle(),
        user
          ? [
              h('a', { class: 'who', 'data-testid': 'who', href: '#/password', title: t('nav.changePassword') }, `${user.username} · ${t(`role.${user.role}` as MessageKey)}${user.wardCode ? ` · ${wardName(user.wardCode)}` : ''}`),
              h(
                'button',
                {
                  type: 'button',
                  class: 'link-button',
                  onclick: async () => {
                    await logout();
                    state.user = null;
                    navigate('/login');
                  },
                },
                t('nav.logout'),
              ),
            ]
          : null,
      ),
    ),
    main,
  );
  return main;
}
