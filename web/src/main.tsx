import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import './styles.css';

// Opening a video: start compiling the WebAssembly verifier and loading the
// player at once, side by side, rather than one after the other.
if (location.pathname.startsWith('/watch/')) {
  void import('./pages/WatchPage');
  void import('./player/verifierTypes').then((m) => m.loadVerifier()).catch(() => undefined);
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </StrictMode>,
  );
}
