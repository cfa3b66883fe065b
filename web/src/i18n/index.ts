// SPDX-License-Identifier: Apache-2.0
// Message catalogs: Japanese by default, English by the switch in the header. The shared messages
// are in this folder, each feature's in features/<f>/i18n/; all are merged when the app loads. A
// key defined twice, or a fragment whose Japanese and English keys differ, stops it there (and
// `npm run build`, which runs the same check first).
import type en from './en.json';
import type ja from './ja.json';
import { mergeCatalogs } from './merge';

export type Lang = 'ja' | 'en';

/**
 * The messages of one fragment: the Japanese ones, typed so that a key missing from either
 * language is a type error.
 */
export type Fragment<Ja extends Record<keyof En, string>, En extends Record<keyof Ja, string>> = Ja;

/**
 * Every message: the shared ones here; each feature adds its own in its types.ts with
 * `declare module '../../i18n' { interface Messages extends Fragment<typeof ja, typeof en> {} }`.
 */
export interface Messages extends Fragment<typeof ja, typeof en> {}

export type MessageKey = keyof Messages & string;

const catalogs: Record<Lang, Record<string, string>> = mergeCatalogs(
  import.meta.glob<Record<string, string>>(['./*.json', '../features/*/i18n/*.json', '../features/*/i18n/*/*.json'], {
    eager: true,
    import: 'default',
  }),
);

const STORAGE_KEY = 'tsunagu.lang';
let current: Lang = readStoredLang();

function readStoredLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
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
    // Private mode or storage disabled: the choice lasts for this page only.
  }
  applyLang();
}

export function applyLang(): void {
  document.documentElement.lang = current;
  document.title = t('app.name');
}

/** Looks up a message; `{name}` placeholders are filled from params. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  let text = catalogs[current][key] ?? key;
  if (params) {
    for (const [name, value] of Object.entries(params)) {
      text = text.split(`{${name}}`).join(String(value));
    }
  }
  return text;
}

/** For codes that come from the API (sex, profession, …): the label if known, else the code. */
export function tCode(prefix: string, code: string | null | undefined): string {
  if (!code) return '';
  const key = `${prefix}.${code}`;
  return key in catalogs[current] ? t(key as MessageKey) : code;
}

/** A code with its labels, as the server's code lists give them (organisation types, directory). */
export interface CodeLabel {
  code: string;
  ja: string;
  en: string;
}

/** The label of a server code in the current language. */
export function labelOf(entry: CodeLabel): string {
  return current === 'en' ? entry.en : entry.ja;
}

/** The label of a code from a server code list, in the current language (the code when unknown). */
export function codeLabel(list: readonly CodeLabel[], code: string | null | undefined): string {
  if (!code) return '';
  const found = list.find((c) => c.code === code);
  return found ? labelOf(found) : code;
}
