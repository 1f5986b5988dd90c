import { KEYS, load, save } from './storage';

export type Theme = 'light' | 'dark';

export function systemTheme(): Theme {
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The user's choice if any, else the system's preference. */
export function initialTheme(): Theme {
  const t = load(KEYS.theme);
  return t === 'light' || t === 'dark' ? t : systemTheme();
}

export function applyTheme(t: Theme, remember: boolean): void {
  document.documentElement.dataset.theme = t;
  if (remember) save(KEYS.theme, t);
}
