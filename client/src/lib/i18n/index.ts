import { addMessages, init, locale } from 'svelte-i18n';
import en from './en.json';
import ru from './ru.json';
import { Lang } from '../graphql/generated/enums';

export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The language a generated document (PDF, slips) is made in: the page's, Russian by default. */
export function documentLang(current: string | null | undefined): Lang {
  return current === 'en' ? Lang.EN : Lang.RU;
}

const STORAGE_KEY = 'otmetka.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function savedLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return isLocale(saved) ? saved : 'ru';
  } catch {
    // Storage can be disabled (private mode, policies): Russian is the school's language.
    return 'ru';
  }
}

/** Registers the dictionaries and picks the remembered language; call once in the browser. */
export function setupI18n(): void {
  addMessages('ru', ru);
  addMessages('en', en);
  void init({ fallbackLocale: 'ru', initialLocale: savedLocale() });
  locale.subscribe((current) => {
    if (isLocale(current)) document.documentElement.lang = current;
  });
}

export function changeLocale(next: Locale): void {
  // The dictionaries are added up front, so the switch has nothing to wait for.
  void locale.set(next);
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered, but the switch still applies to this page.
  }
}
