/** The API page: every operation of GET /api/openapi.json by tag, with who may call it; the raw document linked. */
import { getOpenApi } from '../../api/admin.ts';
import { clear, h } from '../../dom.ts';
import { t } from '../../i18n/index.ts';
import type { Route } from '../../router.ts';
import { pageTitle, scrollRegion } from '../common.ts';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
}

export async function apiDocsView(_route: Route, outlet: HTMLElement): Promise<void> {
  const doc = await getOpenApi();
  const rows = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op: op as Operation })));
  const tags = [...new Set(rows.map((r) => r.op.tags?.[0] ?? ''))];
  clear(
    outlet,
    pageTitle('apidocs.title'),
    h('p', {}, t('apidocs.intro', { url: '' }), h('a', { href: '/api/openapi.json' }, '/api/openapi.json')),
    tags.map((tag) =>
      h(
        'section',
        { class: 'card' },
        h('h2', {}, tag),
        scrollRegion(
          tag,
          h(
            'table',
            { class: 'data-table' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('apidocs.method')), h('th', { scope: 'col' }, t('apidocs.path')), h('th', { scope: 'col' }, t('apidocs.summary')), h('th', { scope: 'col' }, t('apidocs.access')))),
            h(
              'tbody',
              {},
              rows
                .filter((r) => (r.op.tags?.[0] ?? '') === tag)
                .map((r) => h('tr', {}, h('td', {}, h('code', {}, r.method.toUpperCase())), h('td', {}, h('code', { class: 'nowrap' }, r.path)), h('td', {}, r.op.summary ?? ''), h('td', {}, r.op.description ?? ''))),
            ),
          ),
        ),
      ),
    ),
  );
}
