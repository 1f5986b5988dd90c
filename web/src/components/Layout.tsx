import { useEffect, useState, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import { applyTheme, initialTheme, type Theme } from '../lib/theme';

export function Layout({ children }: { children: ReactNode }) {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => applyTheme(theme, false), [theme]);
  const toggle = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    applyTheme(next, true);
    setTheme(next);
  };
  return (
    <>
      <a href="#content" className="skip">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand">
          fog
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Library
          </NavLink>
          <NavLink to="/dashboard">Dashboard</NavLink>
        </nav>
        <button type="button" className="theme-toggle" onClick={toggle} aria-pressed={theme === 'dark'}>
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </header>
      <main id="content" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
