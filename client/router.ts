/** A hash router: `#/path/segments?key=value`. Routes are patterns with `:params`; the first match renders. */
export interface Route {
  path: string[];
  params: Record<string, string>;
  query: URLSearchParams;
}

export type View = (route: Route, outlet: HTMLElement) => void | Promise<void>;

interface Entry {
  pattern: string[];
  view: View;
  public?: boolean;
}

const table: Entry[] = [];

export function route(pattern: string, view: View, opts: { public?: boolean } = {}): void {
  table.push({ pattern: pattern.split('/').filter(Boolean), view, public: opts.public });
}

export function parseHash(hash: string = location.hash): Route {
  const raw = hash.replace(/^#/, '');
  const [p = '', q = ''] = raw.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), params: {}, query: new URLSearchParams(q) };
}

export function match(r: Route): { entry: Entry; route: Route } | null {
  for (const entry of table) {
    if (entry.pattern.length !== r.path.length) continue;
    const params: Record<string, string> = {};
    const ok = entry.pattern.every((seg, i) => {
      if (seg.startsWith(':')) {
        params[seg.slice(1)] = r.path[i]!;
        return true;
      }
      return seg === r.path[i];
    });
    if (ok) return { entry, route: { ...r, params } };
  }
  return null;
}

export function href(path: string, query: Record<string, string | number | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

export function navigate(path: string, query: Record<string, string | number | null | undefined> = {}, replace = false): void {
  const target = href(path, query);
  const same = location.hash === target;
  if (replace) history.replaceState(null, '', target);
  else location.hash = target;
  // Setting the same hash, or replaceState, fires no event: re-render explicitly.
  if (replace || same) window.dispatchEvent(new HashChangeEvent('hashchange'));
}
