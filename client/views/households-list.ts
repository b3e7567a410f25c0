/** Households: filters (ward, round, standard, category), accent-insensitive search, paging, export link. */
import { downloads, listHouseholds, type HouseholdFilters } from '../api/endpoints.ts';
import type { Category, Standard } from '../api/types.ts';
import { h } from '../dom.ts';
import { fmtInt, t, type MessageKey } from '../i18n/index.ts';
import { href, navigate, type Route } from '../router.ts';
import { rounds, state, wardName, wardsInScope } from '../state.ts';
import { alertBox, CATEGORIES, categoryBadge, categoryOf, errorText, pageTitle } from './common.ts';

const PAGE_SIZE = 25;

function filtersFrom(q: URLSearchParams): Required<Pick<HouseholdFilters, 'page' | 'pageSize'>> & HouseholdFilters {
  const all = rounds();
  const round = Number(q.get('round'));
  return {
    ward: state.user?.role === 'ward' ? (state.user.wardCode ?? '') : (q.get('ward') ?? ''),
    round: all.includes(round) ? round : all[all.length - 1]!,
    standard: q.get('standard') === 'national' ? 'national' : 'city',
    category: (CATEGORIES as string[]).includes(q.get('category') ?? '') ? (q.get('category') as Category) : '',
    q: q.get('q') ?? '',
    status: (['active', 'archived', 'all'] as const).find((x) => x === q.get('status')) ?? 'active',
    page: Math.max(1, Number(q.get('page')) || 1),
    pageSize: PAGE_SIZE,
    // The server's keyset cursor for this page (next/previous link); a bare page number still works (OFFSET).
    cursor: q.get('cursor') ?? undefined,
  };
}

export async function householdsView(route: Route, outlet: HTMLElement): Promise<void> {
  const f = filtersFrom(route.query);
  const go = (patch: Partial<HouseholdFilters>) => {
    const next = { ...f, ...patch };
    navigate('/households', { ...pagerQuery(next), page: next.page === 1 ? null : next.page });
  };
  const wardSelect = h(
    'select',
    { id: 'hh-ward', name: 'ward', disabled: state.user?.role === 'ward', onchange: (e: Event) => go({ ward: (e.target as HTMLSelectElement).value, page: 1 }) },
    state.user?.role === 'ward' ? null : h('option', { value: '' }, t('common.allWards')),
    wardsInScope().map((w) => h('option', { value: w.properties.code, selected: w.properties.code === f.ward }, w.properties.name)),
  );
  const roundSelect = h('select', { id: 'hh-round', name: 'round', onchange: (e: Event) => go({ round: Number((e.target as HTMLSelectElement).value), page: 1 }) },
    rounds().map((r) => h('option', { value: String(r), selected: r === f.round }, String(r))));
  const standardSelect = h('select', { id: 'hh-standard', name: 'standard', onchange: (e: Event) => go({ standard: (e.target as HTMLSelectElement).value as Standard, page: 1 }) },
    (['city', 'national'] as const).map((s) => h('option', { value: s, selected: s === f.standard }, t(`standard.${s}` as MessageKey))));
  const categorySelect = h('select', { id: 'hh-category', name: 'category', onchange: (e: Event) => go({ category: (e.target as HTMLSelectElement).value as Category, page: 1 }) },
    h('option', { value: '' }, t('category.any')),
    CATEGORIES.map((c) => h('option', { value: c, selected: c === f.category }, t(`category.${c}` as MessageKey))));
  const statusSelect = h('select', { id: 'hh-status', name: 'status', onchange: (e: Event) => go({ status: (e.target as HTMLSelectElement).value, page: 1 }) },
    (['active', 'archived', 'all'] as const).map((x) => h('option', { value: x, selected: x === f.status }, t(`status.filter.${x}` as MessageKey))));
  const search = h('input', { id: 'hh-q', name: 'q', type: 'search', value: f.q, placeholder: t('households.searchPlaceholder') });
  const label = (el: HTMLElement, key: MessageKey) => h('div', { class: 'control' }, h('label', { for: el.id }, t(key)), el);

  const results = h('div', { class: 'results', 'aria-live': 'polite', 'data-testid': 'households-results' }, h('p', {}, t('common.loading')));
  outlet.replaceChildren(
    pageTitle(
      'households.title',
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: downloads.householdsXlsx(f), download: '' }, t('households.export')),
        h('a', { class: 'button primary', href: '#/households/new', 'data-testid': 'new-household' }, t('households.new'))),
    ),
    h(
      'form',
      { class: 'filters', role: 'search', onsubmit: (e: Event) => (e.preventDefault(), go({ q: search.value.trim(), page: 1 })) },
      label(wardSelect, 'common.ward'),
      label(roundSelect, 'common.round'),
      label(standardSelect, 'common.standard'),
      label(categorySelect, 'common.category'),
      label(statusSelect, 'households.status'),
      h('div', { class: 'control grow' }, h('label', { for: search.id }, t('households.search')), h('div', { class: 'inline' }, search, h('button', { type: 'submit' }, t('common.search')))),
    ),
    results,
  );

  try {
    const page = await listHouseholds(f);
    const pages = Math.max(1, Math.ceil(page.meta.total / page.meta.pageSize));
    results.replaceChildren(
      h('p', { class: 'muted', 'data-testid': 'households-total' }, t('households.count', { n: fmtInt(page.meta.total) })),
      page.data.length === 0
        ? h('p', {}, t('households.empty'))
        : h(
            'table',
            { class: 'data-table' },
            h('thead', {}, h('tr', {}, ...(['households.code', 'households.head', 'households.address', 'common.ward', 'common.category', 'households.status'] as MessageKey[]).map((k) => h('th', { scope: 'col' }, t(k))))),
            h(
              'tbody',
              {},
              page.data.map((row) =>
                h(
                  'tr',
                  { 'data-household-id': row.id },
                  h('td', {}, h('a', { href: `#/households/${encodeURIComponent(row.id)}` }, row.householdCode)),
                  h('td', {}, row.headName),
                  h('td', {}, row.address),
                  h('td', {}, wardName(row.wardCode)),
                  h('td', {}, categoryBadge(categoryOf(row, f.standard!))),
                  h('td', {}, t(`status.${row.status}` as MessageKey)),
                ),
              ),
            ),
          ),
      h(
        'nav',
        { class: 'pager', 'aria-label': t('common.paging') },
        h('a', { class: 'button', href: f.page > 1 ? href('/households', { ...pagerQuery(f), page: f.page - 1, cursor: f.page > 2 ? page.meta.prevCursor : null }) : null, 'aria-disabled': f.page <= 1 ? 'true' : null }, `‹ ${t('common.previous')}`),
        h('span', {}, t('common.pageOf', { page: f.page, pages })),
        h('a', { class: 'button', href: f.page < pages ? href('/households', { ...pagerQuery(f), page: f.page + 1, cursor: page.meta.nextCursor }) : null, 'aria-disabled': f.page >= pages ? 'true' : null }, `${t('common.next')} ›`),
      ),
    );
  } catch (err) {
    results.replaceChildren(alertBox(errorText(err)));
  }
}

function pagerQuery(f: HouseholdFilters) {
  return { ward: f.ward, round: f.round, standard: f.standard, category: f.category, q: f.q, status: f.status === 'active' ? null : f.status };
}
