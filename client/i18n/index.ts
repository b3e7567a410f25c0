/**
 * One message catalogue for both languages. Vietnamese is the default (the registry's users are ward and district
 * staff); the choice is remembered in localStorage and `<html lang>` follows it so screen readers pronounce it right.
 */
import { messages, type MessageKey } from './messages.ts';

export type Lang = 'vi' | 'en';
export type Localized = { vi: string; en: string };

const STORAGE_KEY = 'shn.lang';
let current: Lang = readStoredLang();
const listeners = new Set<() => void>();

function readStoredLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  applyLang();
  for (const fn of listeners) fn();
}

/** Sets `<html lang>` and the document title to the current language. */
export function applyLang(): void {
  document.documentElement.lang = current;
  document.title = t('app.title');
}

export function onLangChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A catalogue message, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const entry = messages[key];
  const text = entry[current];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

/** A server-supplied `{ vi, en }` text in the current language. */
export function loc(text: Localized | null | undefined): string {
  if (!text) return '';
  return text[current] || text.vi || text.en || '';
}

const numberFormats: Record<Lang, Intl.NumberFormat> = {
  vi: new Intl.NumberFormat('vi-VN'),
  en: new Intl.NumberFormat('en-GB'),
};

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : numberFormats[current].format(n);
}

/** A measurement with up to 2 decimals in the page language ("25,5" in Vietnamese, "25.5" in English). */
export function fmtDecimal(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(current === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 2 }).format(n);
}

/** A percentage or percentage-point value with two decimals (domain.md §4: rates shown with 2 decimals). */
export function fmtPct(n: number | null | undefined, signed = false): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  const f = new Intl.NumberFormat(current === 'vi' ? 'vi-VN' : 'en-GB', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: signed ? 'exceptZero' : 'auto',
  });
  return f.format(n);
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(current === 'vi' ? 'vi-VN' : 'en-GB');
}

export type { MessageKey };
