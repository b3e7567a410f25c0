/**
 * Possible duplicates (issue 17): pairs sharing an ID number, or a head name with birth year / address. The district
 * (and admin) resolves each pair; a ward officer sees the pairs touching its ward, the other side only as a ward name.
 */
import { listDuplicates, resolveDuplicate } from '../api/endpoints.ts';
import type { DuplicateKind, DuplicatePair, DuplicateSide } from '../api/types.ts';
import { h } from '../dom.ts';
import { fmtInt, t, type MessageKey } from '../i18n/index.ts';
import { href, navigate, type Route } from '../router.ts';
import { state, wardsInScope } from '../state.ts';
import { alertBox, errorText, pageTitle } from './common.ts';

const PAGE_SIZE = 25;

function sideCell(s: DuplicateSide): HTMLElement {
  if (!s.id) return h('td', { class: 'muted' }, t('duplicates.otherWard', { ward: s.wardName }));
  return h('td', {},
    h('a', { href: `#/households/${encodeURIComponent(s.id)}` }, s.householdCode ?? ''), ' · ', s.headName ?? '',
    h('br'), h('span', { class: 'muted' }, `${s.address ?? ''} — ${s.wardName}`));
}

function resolveControls(pair: DuplicatePair, done: () => void, error: HTMLElement): HTMLElement {
  const note = h('input', { name: 'note', 'aria-label': t('duplicates.note'), placeholder: t('duplicates.note'), maxlength: '1000' });
  const act = async (resolution: 'not_duplicate' | 'merged', keep?: string) => {
    error.textContent = '';
    try {
      await resolveDuplicate(pair.id, { resolution, keep, note: note.value.trim() });
      done();
    } catch (err) {
      error.textContent = errorText(err);
    }
  };
  return h('td', { class: 'resolve' },
    note,
    h('button', { type: 'button', 'data-testid': 'not-duplicate', onclick: () => void act('not_duplicate') }, t('duplicates.notDuplicate')),
    pair.households.filter((s) => s.id).map((s) =>
      h('button', { type: 'button', 'data-testid': 'merge-keep', onclick: () => void act('merged', s.id) }, t('duplicates.keep', { code: s.householdCode ?? '' }))));
}

export async function duplicatesView(route: Route, outlet: HTMLElement): Promise<void> {
  const kind: DuplicateKind = route.query.get('kind') === 'name' ? 'name' : 'id';
  const isWard = state.user?.role === 'ward';
  const ward = isWard ? '' : (route.query.get('ward') ?? '');
  const page = Math.max(1, Number(route.query.get('page')) || 1);
  const canResolve = state.user?.role === 'district' || state.user?.role === 'admin';
  const go = (patch: Record<string, string | number | null>) => navigate('/duplicates', { kind, ward, page: null, ...patch });

  const kindSelect = h('select', { id: 'dup-kind', name: 'kind', onchange: (e: Event) => go({ kind: (e.target as HTMLSelectElement).value }) },
    (['id', 'name'] as const).map((k) => h('option', { value: k, selected: k === kind }, t(`duplicates.kind.${k}` as MessageKey))));
  const wardSelect = isWard ? null : h('select', { id: 'dup-ward', name: 'ward', onchange: (e: Event) => go({ ward: (e.target as HTMLSelectElement).value }) },
    h('option', { value: '' }, t('common.allWards')),
    wardsInScope().map((w) => h('option', { value: w.properties.code, selected: w.properties.code === ward }, w.properties.name)));
  const label = (el: HTMLElement | null, key: MessageKey) => (el ? h('div', { class: 'control' }, h('label', { for: el.id }, t(key)), el) : null);
  const error = alertBox();
  const results = h('div', { class: 'results', 'aria-live': 'polite', 'data-testid': 'duplicates-results' }, h('p', {}, t('common.loading')));
  outlet.replaceChildren(
    pageTitle('duplicates.title'),
    h('p', { class: 'muted' }, canResolve ? t('duplicates.intro') : t('duplicates.districtResolves')),
    h('div', { class: 'filters' }, label(kindSelect, 'duplicates.kind'), label(wardSelect, 'common.ward')),
    error,
    results,
  );

  try {
    const list = await listDuplicates({ kind, ward: ward || undefined, page, pageSize: PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(list.meta.total / list.meta.pageSize));
    const refresh = () => go({ page: page > 1 ? page : null });
    results.replaceChildren(
      h('p', { class: 'muted', 'data-testid': 'duplicates-total' }, t('duplicates.count', { n: fmtInt(list.meta.total) })),
      list.data.length === 0
        ? h('p', {}, t('duplicates.empty'))
        : h('table', { class: 'data-table' },
            h('thead', {}, h('tr', {},
              h('th', { scope: 'col' }, t('duplicates.household', { n: 1 })),
              h('th', { scope: 'col' }, t('duplicates.household', { n: 2 })),
              h('th', { scope: 'col' }, t('duplicates.why')),
              canResolve ? h('th', { scope: 'col' }, t('duplicates.note')) : null)),
            h('tbody', {}, list.data.map((pair) => h('tr', { 'data-pair-id': pair.id },
              sideCell(pair.households[0]),
              sideCell(pair.households[1]),
              h('td', {}, pair.reasons.map((r) => t(`duplicates.reason.${r}` as MessageKey)).join('; ')),
              canResolve ? resolveControls(pair, refresh, error) : null)))),
      h('nav', { class: 'pager', 'aria-label': t('common.paging') },
        h('a', { class: 'button', href: page > 1 ? href('/duplicates', { kind, ward, page: page - 1 }) : null, 'aria-disabled': page <= 1 ? 'true' : null }, `‹ ${t('common.previous')}`),
        h('span', {}, t('common.pageOf', { page, pages })),
        h('a', { class: 'button', href: page < pages ? href('/duplicates', { kind, ward, page: page + 1 }) : null, 'aria-disabled': page >= pages ? 'true' : null }, `${t('common.next')} ›`)),
    );
  } catch (err) {
    results.replaceChildren(alertBox(errorText(err)));
  }
}
