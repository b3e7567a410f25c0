/** Entry point: load settings, wards and the session, then render the page the hash names. */
import './styles.css';
import { getSettings, getWards, me } from './api/endpoints.ts';
import { ApiError, onAuthRedirect } from './api/http.ts';
import { h } from './dom.ts';
import { applyLang, loc, onLangChange, t } from './i18n/index.ts';
import { match, navigate, parseHash, route } from './router.ts';
import { state } from './state.ts';
import { renderFrame } from './views/layout.ts';
import { loginView, passwordView } from './views/login.ts';
import { mapView } from './views/map-home.ts';
import { householdsView } from './views/households-list.ts';
import { householdDetailView } from './views/household-detail.ts';
import { householdFormView } from './views/household-form.ts';
import { assessmentFormView } from './views/assessment-form.ts';
import { importView } from './views/import.ts';
import { reportsView } from './views/reports.ts';
import { usersView } from './views/admin/users.ts';
import { totalsView } from './views/admin/totals.ts';
import { criteriaView } from './views/admin/criteria.ts';
import { auditView } from './views/admin/audit.ts';
import { apiDocsView } from './views/admin/api-docs.ts';

route('/login', loginView, { public: true });
route('/password', passwordView);
route('/', mapView);
route('/map', mapView);
route('/households', householdsView);
route('/households/new', householdFormView);
route('/households/:id', householdDetailView);
route('/households/:id/edit', householdFormView);
route('/households/:id/assessments/:round', assessmentFormView);
route('/import', importView);
route('/reports', reportsView);
// Administration (issue 15): the server checks every role; the navigation only hides what a role cannot use.
route('/admin/users', usersView);
route('/admin/totals', totalsView);
route('/admin/criteria', criteriaView);
route('/admin/audit', auditView);
route('/api-docs', apiDocsView);

const root = document.getElementById('app')!;
let renderSeq = 0;

async function render(): Promise<void> {
  const seq = ++renderSeq;
  const r = parseHash();
  const path = `/${r.path.join('/')}`;
  const found = match(r);
  if (!found) return navigate('/', {}, true);
  if (!found.entry.public && !state.user) return navigate('/login', { next: path === '/' ? null : location.hash.slice(1) }, true);
  if (state.user?.mustChangePassword && path !== '/password' && path !== '/login') return navigate('/password', {}, true);
  const outlet = renderFrame(root, path);
  try {
    await found.entry.view(found.route, outlet);
    if (seq === renderSeq) setViewTitle(outlet);
  } catch (err) {
    if (seq !== renderSeq) return;
    outlet.replaceChildren(h('div', { class: 'error-box', role: 'alert' }, err instanceof ApiError ? loc(err.text) : t('error.unexpected')));
    if (!(err instanceof ApiError)) console.error(err);
  }
}

/** Each view's <title>: its heading, then the application's name (what a tab or a screen reader announces). */
function setViewTitle(outlet: HTMLElement): void {
  const heading = outlet.querySelector('h1')?.textContent?.trim();
  document.title = heading ? `${heading} · ${t('app.title')}` : t('app.title');
}

onAuthRedirect((reason) => {
  if (reason === 'login') {
    state.user = null;
    const next = location.hash.slice(1);
    navigate('/login', { next: next.startsWith('/login') ? null : next }, true);
  } else {
    if (state.user) state.user.mustChangePassword = true;
    navigate('/password', {}, true);
  }
});

async function start(): Promise<void> {
  applyLang();
  root.replaceChildren(h('p', { class: 'loading' }, t('common.loading')));
  try {
    const [settings, wards, user] = await Promise.all([getSettings(), getWards(), me()]);
    state.settings = settings;
    state.wards = wards.features;
    state.user = user;
  } catch (err) {
    root.replaceChildren(h('div', { class: 'error-box', role: 'alert' }, err instanceof ApiError ? loc(err.text) : t('error.unexpected')));
    return;
  }
  window.addEventListener('hashchange', () => void render());
  onLangChange(() => void render());
  await render();
}

void start();
