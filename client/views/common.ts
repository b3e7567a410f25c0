/** Small pieces shared by the household, import and report pages. */
import { ApiError, fetchFile } from '../api/http.ts';
import type { Category, Household, Standard } from '../api/types.ts';
import { h } from '../dom.ts';
import { loc, t, type MessageKey } from '../i18n/index.ts';

export const CATEGORIES: Category[] = ['poor', 'near_poor', 'average', 'not_poor'];

export function categoryLabel(c: Category | null | undefined): string {
  return c ? t(`category.${c}` as MessageKey) : t('category.none');
}

export function categoryBadge(c: Category | null | undefined): HTMLElement {
  return h('span', { class: `badge cat-${c ?? 'none'}`, 'data-category': c ?? '' }, categoryLabel(c));
}

/** The category a list row carries for a standard: `assessment: { round, cityCategory, nationalCategory }`. */
export function categoryOf(row: Pick<Household, 'assessment'>, standard: Standard): Category | null {
  const a = row.assessment as { cityCategory?: Category | null; nationalCategory?: Category | null } | null | undefined;
  if (!a) return null;
  return (standard === 'city' ? a.cityCategory : a.nationalCategory) ?? null;
}

export function errorText(err: unknown): string {
  return err instanceof ApiError ? loc(err.text) : t('error.unexpected');
}

export function alertBox(text = ''): HTMLElement {
  return h('div', { class: 'form-error', role: 'alert', 'aria-live': 'assertive', 'data-testid': 'page-error' }, text);
}

export function pageTitle(key: MessageKey, ...extra: (HTMLElement | null)[]): HTMLElement {
  return h('div', { class: 'page-head' }, h('h1', {}, t(key)), ...extra);
}

/** A sideways-scrolling box for a wide table: focusable and named, so keyboard users can scroll it (WCAG 2.1.1). */
export function scrollRegion(label: string, ...children: (HTMLElement | null)[]): HTMLElement {
  return h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': label }, ...children);
}

/**
 * Makes a simple list table read as cards on a phone (styles.css `.cards-on-phone`): each cell is labelled with its
 * column heading, so no row needs sideways scrolling at 390 px.
 */
export function cardsOnPhone<T extends HTMLElement>(table: T): T {
  const heads = [...table.querySelectorAll('thead tr:last-child th')].map((th) => th.textContent ?? '');
  table.classList.add('cards-on-phone');
  for (const tr of table.querySelectorAll('tbody tr')) [...tr.children].forEach((cell, i) => heads[i] && cell.setAttribute('data-label', heads[i]!));
  return table;
}

/**
 * A download that says it is working: busy (aria-busy, disabled, "Preparing…") until the server has built the
 * file, then saved under the server's name (ho-ngheo-2017.xlsx…); a refusal shows its message beside the button.
 */
export function downloadButton(label: string, url: string, testid?: string): HTMLElement {
  const note = h('span', { class: 'field-error', role: 'alert' });
  const button: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'button',
      'data-testid': testid ?? null,
      'data-href': url,
      onclick: async () => {
        button.disabled = true;
        button.setAttribute('aria-busy', 'true');
        button.textContent = t('download.busy');
        note.textContent = '';
        try {
          const { blob, fileName } = await fetchFile(url);
          const a = h('a', { href: URL.createObjectURL(blob), download: fileName });
          document.body.append(a);
          a.click();
          a.remove();
          setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
        } catch (err) {
          note.textContent = errorText(err);
        } finally {
          button.disabled = false;
          button.removeAttribute('aria-busy');
          button.textContent = label;
        }
      },
    },
    label,
  );
  return h('span', { class: 'download' }, button, note);
}
