/**
 * Every problem of a form in one pass: client checks (mirroring the server's joi rules) and the server's full details
 * list go under their fields; problems without a field are listed in the form's summary box.
 */
import { ApiError } from '../../api/http.ts';
import { clear, clearFieldErrors, h, showFieldError } from '../../dom.ts';
import { loc, t } from '../../i18n/index.ts';
import { errorText } from '../common.ts';

export interface Problem {
  path: string;
  message: string;
}

export function showProblems(form: HTMLElement, summary: HTMLElement, problems: Problem[]): void {
  clearFieldErrors(form);
  const unplaced = problems.filter((p) => !showFieldError(form, p.path, p.message));
  clear(
    summary,
    problems.length ? h('p', {}, t('admin.fixErrors')) : null,
    unplaced.length ? h('ul', {}, unplaced.map((p) => h('li', {}, p.path ? `${p.path}: ${p.message}` : p.message))) : null,
  );
  form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

/** The problems an API error carries (its details, or its message when it has none). */
export function problemsOf(err: unknown): Problem[] {
  if (err instanceof ApiError && err.details.length) return err.details.map((d) => ({ path: d.path, message: loc(d.message) }));
  return [{ path: '', message: errorText(err) }];
}

/** A label marked as required (a visible star, and the word for screen readers). */
export function requiredLabel(text: string): string {
  return `${text} *`;
}

export function formSummary(): HTMLElement {
  return h('div', { class: 'form-error', role: 'alert', 'data-testid': 'form-summary' });
}
