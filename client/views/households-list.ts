/** Households: filters (ward, round, standard, category), accent-insensitive search, paging, export link. */
import { downloads, listHouseholds, type HouseholdFilters } from '../api/endpoints.ts';
import type { Category, HouseholdListItem, Standard } from '../api/types.ts';
import { fold } from '../../server/domain/text.ts';
import { h } from '../dom.ts';
import { fmtInt, t, type MessageKey } from '../i18n/index.ts';
import { href, navigate, type Route } from '../router.ts';
import { rounds, state, wardName, wardsInScope } from '../state.ts';
import { pager } from './admin/pager.ts';
import { alertBox, cardsOnPhone, downloadButton, CATEGORIES, categoryBadge, categoryOf, errorText, pageTitle } from './common.ts';

const PAGE_SIZE = 25;

type MatchKind = 'head' | 'code' | 'address' | 'member';

/**
 * Why a row matched the search, with the server's own folding (search_text = folded head name, code, address and
 * member names: households/rules.ts searchTextOf), so the reason shown is the one the server matched on.
 */
export function matchReason(row: HouseholdListItem, q: string): { kind: MatchKind; text: string } | null {
  const needle = fold(q);
  if (!needle) return null;
  if (fold(row.headName).includes(needle)) return { kind: 'head', text: row.headName };
  if (fold(row.householdCode).includes(needle)) return { kind: 'code', text: row.householdCode };
  if (fold(row.address ?? '').includes(needle)) return { kind: 'address', text: row.address };
  const member = (row.members ?? []).find((m) => fold(m.name ?? '').includes(needle));
  return member ? { kind: 'member', text: member.name } : null;
}

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

const LIST_KEY = 'shn.householdsList';

/** "Back to list" returns to the filters and page last shown (this tab), else to the household's ward. */
export function backToListHref(wardCode: string): string {
  try {
    const saved = sessionStorage.getItem(LIST_KEY);
    if (saved?.startsWith('#/households')) return saved;
  } catch {
    // Storage refused (private mode): fall back to the ward.
  }
  return `#/households?ward=${encodeURIComponent(wardCode)}`;
}

export async function householdsView(route: Route, outlet: HTMLElement): Promise<void> {
  const f = filtersFrom(route.query);
  try {
    sessionStorage.setItem(LIST_KEY, location.hash);
  } catch {
    // Not remembered: "Back to list" falls back to the ward.
  }
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
        downloadButton(t('households.export'), downloads.householdsXlsx(f), 'download-households'),
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
    // An empty active list may hide archived matches: say so, with a link to them.
    let archivedNote: HTMLElement | null = null;
    if (page.data.length === 0 && f.status === 'active') {
      const archived = await listHouseholds({ ...f, status: 'archived', page: 1, pageSize: 1 }).catch(() => null);
      if (archived && (archived.meta?.total ?? archived.data.length) > 0) {
        archivedNote = h('span', {}, ' ', t('households.archivedHidden', { n: fmtInt(archived.meta?.total ?? archived.data.length) }), ' ', h('a', { href: href('/households', { ...pagerQuery(f), status: 'archived' }) }, t('households.showArchived')));
      }
    }
    // Tolerant of the list's shape (offset or keyset paging): without a total, only the pages seen so far are known.
    const total = page.meta?.total ?? page.data.length;
    const pages = Math.max(1, Math.ceil(total / (page.meta?.pageSize ?? PAGE_SIZE)));
    // A page past the end (an old link, a list that shrank) goes to the last page instead of showing nothing.
    if (f.page > pages) return navigate('/households', { ...pagerQuery(f), page: pages === 1 ? null : pages }, true);
    results.replaceChildren(
      h('p', { class: 'muted', 'data-testid': 'households-total' }, t('households.count', { n: fmtInt(page.meta.total) })),
      page.data.length === 0
        ? h('p', { 'data-testid': 'households-empty' }, t('households.empty'), archivedNote)
        : cardsOnPhone(h(
            'table',
            { class: 'data-table' },
            h('thead', {}, h('tr', {}, ...(['households.code', 'households.head', 'households.address', 'common.ward', 'common.category', 'households.status'] as MessageKey[]).map((k) => h('th', { scope: 'col' }, t(k))))),
            h(
              'tbody',
              {},
              // In the server's order: with a search, head-name matches first across every page (issue 15).
              page.data.map((row) => {
                const why = matchReason(row, f.q ?? '');
                return h(
                  'tr',
                  { 'data-household-id': row.id },
                  h('td', {}, h('a', { href: `#/households/${encodeURIComponent(row.id)}` }, row.householdCode)),
                  h('td', {}, row.headName, why && why.kind !== 'head' ? h('small', { class: 'match muted', 'data-match': why.kind }, h('br'), t(`households.match.${why.kind}` as MessageKey, { text: why.text })) : null),
                  h('td', {}, row.address),
                  h('td', {}, wardName(row.wardCode)),
                  h('td', {}, categoryBadge(categoryOf(row, f.standard!))),
                  h('td', {}, t(`status.${row.status}` as MessageKey)),
                );
              }),
            ),
          )),
      // Adjacent pages carry the server's keyset cursor (issue 14: deep pages as fast as the first); other page
      // numbers, like a bookmark, are OFFSET pages.
      pager(f.page, pages, (p) =>
        href('/households', { ...pagerQuery(f), page: p === 1 ? null : p, cursor: p === f.page + 1 ? page.meta.nextCursor : p === f.page - 1 && p > 1 ? page.meta.prevCursor : null }),
      ),
    );
  } catch (err) {
    results.replaceChildren(alertBox(errorText(err)));
  }
}

function pagerQuery(f: HouseholdFilters) {
  return { ward: f.ward, round: f.round, standard: f.standard, category: f.category, q: f.q, status: f.status === 'active' ? null : f.status };
}
