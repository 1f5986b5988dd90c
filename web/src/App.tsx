import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { Layout } from './components/Layout';
import { LibraryPage } from './pages/LibraryPage';

// The player and the dashboard carry hls.js, mqtt.js and uPlot: split them off
// so the library loads light.
const WatchPage = lazy(() => import('./pages/WatchPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));

export function App() {
  return (
    <Layout>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <Routes>
          <Route path="/" element={<LibraryPage />} />
          <Route path="/watch/:id" element={<WatchPage />} />
          <Route path="/dashboard" element={<DashboardPage />} />
          <Route path="*" element={<p>Nothing here.</p>} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
