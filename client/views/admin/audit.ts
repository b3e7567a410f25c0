/** Audit log: filter by ward, user, entity and dates; open an event to read its before/after. */
import { listAudit, type AuditFilters } from '../../api/admin.ts';
import type { AuditEntry } from '../../api/types.ts';
import { h } from '../../dom.ts';
import { fmtDateTime, fmtInt, t, type MessageKey } from '../../i18n/index.ts';
import { href, navigate, type Route } from '../../router.ts';
import { state, wardName, wardsInScope } from '../../state.ts';
import { alertBox, errorText, pageTitle, scrollRegion } from '../common.ts';
import { pager } from './pager.ts';

const ENTITIES = ['household', 'assessment', 'ward_total', 'criteria_set', 'import', 'households', 'rates_report', 'user', 'request'];
const PAGE_SIZE = 50;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function filtersFrom(q: URLSearchParams): AuditFilters & { page: number } {
  const date = (k: string) => (DATE.test(q.get(k) ?? '') ? q.get(k)! : '');
  return {
    entity: ENTITIES.includes(q.get('entity') ?? '') ? q.get('entity')! : '',
    ward: /^\d{5}$/.test(q.get('ward') ?? '') ? q.get('ward')! : '',
    user: (q.get('user') ?? '').trim().toLowerCase(),
    from: date('from'),
    to: date('to'),
    page: Math.max(1, Number(q.get('page')) || 1),
  };
}

const entityLabel = (e: string) => (ENTITIES.includes(e) ? t(`audit.entity.${e}` as MessageKey) : e);

/** Before/after as indented JSON text (never HTML): an audit event holds whatever the change held. */
const json = (v: unknown) => h('pre', { class: 'json' }, v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));

export async function auditView(route: Route, outlet: HTMLElement): Promise<void> {
  const f = filtersFrom(route.query);
  const entity = h('select', { id: 'audit-entity', name: 'entity' }, h('option', { value: '' }, t('audit.anyEntity')), ENTITIES.filter((e) => state.user?.role === 'admin' || (e !== 'user' && e !== 'request')).map((e) => h('option', { value: e, selected: e === f.entity }, entityLabel(e))));
  const ward = h('select', { id: 'audit-ward', name: 'ward' }, h('option', { value: '' }, t('common.allWards')), wardsInScope().map((w) => h('option', { value: w.properties.code, selected: w.properties.code === f.ward }, w.properties.name)));
  const user = h('input', { id: 'audit-user', name: 'user', value: f.user ?? '', autocomplete: 'off' });
  const from = h('input', { id: 'audit-from', name: 'from', type: 'date', value: f.from ?? '' });
  const to = h('input', { id: 'audit-to', name: 'to', type: 'date', value: f.to ?? '' });
  const control = (el: HTMLElement, key: MessageKey) => h('div', { class: 'control' }, h('label', { for: el.id }, t(key)), el);
  const results = h('div', { 'aria-live': 'polite', 'data-testid': 'audit-results' }, h('p', {}, t('common.loading')));
  outlet.replaceChildren(
    pageTitle('audit.title'),
    h(
      'form',
      {
        class: 'filters',
        role: 'search',
        onsubmit: (e: Event) => {
          e.preventDefault();
          navigate('/admin/audit', { entity: entity.value, ward: ward.value, user: user.value.trim(), from: from.value, to: to.value });
        },
      },
      control(entity, 'audit.entity'),
      control(ward, 'common.ward'),
      control(user, 'audit.user'),
      control(from, 'audit.from'),
      control(to, 'audit.to'),
      h('button', { type: 'submit', class: 'primary' }, t('audit.filter')),
    ),
    results,
  );
  try {
    const page = await listAudit({ ...f, pageSize: PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(page.meta.total / PAGE_SIZE));
    if (f.page > pages) return navigate('/admin/audit', { ...f, page: pages === 1 ? null : pages }, true);
    results.replaceChildren(
      h('p', { class: 'muted' }, t('audit.count', { n: fmtInt(page.meta.total) })),
      page.data.length ? auditTable(page.data) : h('p', {}, t('audit.empty')),
      pager(f.page, pages, (p) => href('/admin/audit', { ...f, page: p === 1 ? null : p })),
    );
  } catch (err) {
    results.replaceChildren(alertBox(errorText(err)));
  }
}

function auditTable(rows: AuditEntry[]): HTMLElement {
  return scrollRegion(
    t('audit.title'),
    h(
      'table',
      { class: 'data-table cards-on-phone' },
      h('thead', {}, h('tr', {}, (['audit.when', 'audit.user', 'audit.action', 'audit.entity', 'audit.record', 'common.ward', 'audit.change'] as MessageKey[]).map((k) => h('th', { scope: 'col' }, t(k))))),
      h(
        'tbody',
        {},
        rows.map((e) =>
          h(
            'tr',
            { 'data-audit-id': String(e.id) },
            h('td', { 'data-label': t('audit.when') }, fmtDateTime(e.at)),
            h('td', { 'data-label': t('audit.user') }, e.actor ?? '—'),
            h('td', { 'data-label': t('audit.action') }, h('code', {}, e.action)),
            h('td', { 'data-label': t('audit.entity') }, entityLabel(e.entity)),
            h('td', { 'data-label': t('audit.record') }, e.entity === 'household' && e.entityId ? h('a', { href: `#/households/${encodeURIComponent(e.entityId)}` }, h('code', {}, e.entityId.slice(0, 8))) : h('code', {}, e.entityId ?? '—')),
            h('td', { 'data-label': t('common.ward') }, e.wardCode ? wardName(e.wardCode) : '—'),
            h(
              'td',
              { 'data-label': t('audit.change') },
              e.before !== null || e.after !== null || e.meta !== null
                ? h('details', {}, h('summary', {}, t('audit.show')), h('div', { class: 'before-after' }, h('div', {}, h('h3', {}, t('audit.before')), json(e.before)), h('div', {}, h('h3', {}, t('audit.after')), json(e.after))), e.meta ? json(e.meta) : null)
                : '—',
            ),
          ),
        ),
      ),
    ),
  );
}
