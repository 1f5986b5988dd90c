import type { ReactNode } from 'react';
import { NavLink } from 'react-router';

export function Layout({ children }: { children: ReactNode }) {
  return (
    <>
      <header className="topbar">
        <NavLink to="/" className="brand">fog</NavLink>
        <nav aria-label="Main">
          <NavLink to="/" end>Library</NavLink>
          <NavLink to="/dashboard">Dashboard</NavLink>
        </nav>
      </header>
      <main>{children}</main>
    </>
  );
}
