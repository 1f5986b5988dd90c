// Small typed wrappers over localStorage: a browser that refuses storage
// (private mode, quota) still works, only without memory.

export function load(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function save(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // storage refused: the value lives for this page only
  }
}

export const KEYS = {
  theme: 'fog.theme',
  pinnedKey: 'fog.pinnedKey',
  pseudo: 'fog.pseudo',
} as const;
