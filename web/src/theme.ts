/**
 * Light or dark: the system's choice (prefers-color-scheme) until the member picks one with the toggle,
 * which localStorage remembers. The choice is a class on <html>, so the stylesheet holds every colour.
 */
export type Theme = 'light' | 'dark';
const KEY = 'hiqty.theme';

function stored(): Theme | undefined {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : undefined;
  } catch {
    // Storage can be off (private mode, a policy): the system's choice then.
    return undefined;
  }
}

const systemTheme = (): Theme => (window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');

export function currentTheme(): Theme {
  return stored() ?? systemTheme();
}

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  root.classList.toggle('theme-dark', theme === 'dark');
  root.classList.toggle('theme-light', theme === 'light');
}

export function chooseTheme(theme: Theme): void {
  try {
    window.localStorage.setItem(KEY, theme);
  } catch {
    // Not remembered; it still applies to this page.
  }
  applyTheme(theme);
}

/** Follows the system's changes while the member has not picked a theme; returns the unsubscribe. */
export function followSystemTheme(onChange: (theme: Theme) => void): () => void {
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  const listener = (): void => {
    if (stored() !== undefined) return;
    const theme = systemTheme();
    applyTheme(theme);
    onChange(theme);
  };
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}
