/** A tiny element builder: enough for framework-free views without innerHTML (no injection of API text). */
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener | Partial<CSSStyleDeclaration>>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
    else if (key === 'checked' && 'checked' in el) (el as HTMLInputElement).checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let idCounter = 0;
export function uid(prefix = 'f'): string {
  return `${prefix}-${++idCounter}`;
}

/** A labelled form field: label, control, and an inline error slot tied with aria-describedby. */
export function field(label: string, control: HTMLElement, opts: { name?: string; hint?: string } = {}): HTMLElement {
  const id = control.id || uid();
  control.id = id;
  const errId = `${id}-err`;
  control.setAttribute('aria-describedby', errId);
  return h(
    'div',
    { class: 'field', 'data-field': opts.name ?? null },
    h('label', { for: id }, label),
    control,
    opts.hint ? h('small', { class: 'hint' }, opts.hint) : null,
    h('div', { class: 'field-error', id: errId, role: 'alert', 'aria-live': 'polite' }),
  );
}

/** Shows an error under the field whose data-field matches `path` (returns false when there is no such field). */
export function showFieldError(form: HTMLElement, path: string, message: string): boolean {
  const wrapper = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(path)}"]`);
  if (!wrapper) return false;
  wrapper.classList.add('invalid');
  const slot = wrapper.querySelector('.field-error');
  if (slot) slot.textContent = message;
  wrapper.querySelector<HTMLElement>('input,select,textarea')?.setAttribute('aria-invalid', 'true');
  return true;
}

export function clearFieldErrors(form: HTMLElement): void {
  for (const w of form.querySelectorAll('.field.invalid')) {
    w.classList.remove('invalid');
    const slot = w.querySelector('.field-error');
    if (slot) slot.textContent = '';
    w.querySelector('[aria-invalid]')?.removeAttribute('aria-invalid');
  }
}
