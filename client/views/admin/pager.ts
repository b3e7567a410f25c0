/** A pager with page numbers (first, last, and two either side of the current page); no link past the end. */
import { h } from '../../dom.ts';
import { t } from '../../i18n/index.ts';

export function pageNumbers(page: number, pages: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let p = 1; p <= pages; p++) {
    if (p === 1 || p === pages || Math.abs(p - page) <= 2) out.push(p);
    else if (out[out.length - 1] !== null) out.push(null);
  }
  return out;
}

export function pager(page: number, pages: number, link: (p: number) => string): HTMLElement {
  const a = (p: number, text: string, label?: string) =>
    h('a', { class: 'button', href: p >= 1 && p <= pages && p !== page ? link(p) : null, 'aria-disabled': p < 1 || p > pages ? 'true' : null, 'aria-current': p === page ? 'page' : null, 'aria-label': label ?? null }, text);
  return h(
    'nav',
    { class: 'pager', 'aria-label': t('common.paging') },
    a(page - 1, `‹ ${t('common.previous')}`),
    pageNumbers(page, pages).map((p) => (p === null ? h('span', { 'aria-hidden': 'true' }, '…') : a(p, String(p), t('common.pageOf', { page: p, pages })))),
    a(page + 1, `${t('common.next')} ›`),
  );
}
