import { useEffect, useRef, useState } from 'react';
import { Chart } from '../components/Chart';
import { FederationPanel } from '../components/Federation';
import { WorkerTable } from '../components/WorkerTable';
import { getFog, HttpError, getText, type FogView } from '../lib/api';
import { federationOf } from '../lib/federation';
import { bytes } from '../lib/format';
import {
  byLabel,
  histogram,
  intervalMean,
  parsePrometheus,
  rate,
  sum,
  type HistogramTotals,
  type Sample,
} from '../lib/prometheus';
import { workerRows, type SeqSeen, type WorkerRow } from '../lib/workers';

/** Points kept per series: five minutes at one per second. */
export const HISTORY = 300;
const FOG_MS = 1000;
const METRICS_MS = 2000;

interface Point {
  t: number;
  cpu: Record<string, number | null>;
  weight: Record<string, number | null>;
  storedPackets?: number;
  storedBytes?: number;
  ingestPackets?: number;
  ingestBytes?: number;
  dispatchMs?: number;
  storeMs?: number;
}

/** Metrics of one component: the API's own /metrics, or /metrics/<name> where the API relays it. */
interface MetricsFeed {
  samples: Sample[] | null;
  unavailable?: string;
  at: number;
}

async function fetchMetrics(path: string, signal: AbortSignal): Promise<MetricsFeed> {
  try {
    return { samples: parsePrometheus(await getText(path, signal)), at: Date.now() };
  } catch (e) {
    const why = e instanceof HttpError && e.status === 404 ? 'not served by this API' : String(e);
    return { samples: null, unavailable: why, at: Date.now() };
  }
}

function sumStats(view: FogView, key: 'store_packets' | 'store_bytes'): number | undefined {
  let total: number | undefined;
  for (const w of Object.values(view.workers)) {
    const v = w.stats?.[key];
    if (typeof v === 'number') total = (total ?? 0) + v;
  }
  return total;
}

function useDashboard() {
  const [view, setView] = useState<FogView>();
  const [rows, setRows] = useState<WorkerRow[]>([]);
  const [error, setError] = useState<string>();
  const [metrics, setMetrics] = useState<Record<string, MetricsFeed>>({});
  const [points, setPoints] = useState<Point[]>([]);
  const seen = useRef<SeqSeen>(new Map());
  const prevView = useRef<{ view: FogView; at: number } | null>(null);
  const prevMetrics = useRef<Record<string, MetricsFeed>>({});
  const latest = useRef<Partial<Point>>({});

  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const v = await getFog(ctl.signal);
        const now = Date.now();
        setView(v);
        setError(undefined);
        setRows(workerRows(v, seen.current, now));
        const prev = prevView.current;
        const dt = prev ? (now - prev.at) / 1000 : 0;
        const point: Point = {
          t: now / 1000,
          cpu: Object.fromEntries(Object.entries(v.workers).map(([n, w]) => [n, typeof w.stats?.cpu === 'number' ? w.stats.cpu : null])),
          weight: Object.fromEntries(Object.entries(v.policy?.weights ?? {}).map(([n, x]) => [n, x])),
          storedPackets: prev ? rate(sumStats(prev.view, 'store_packets'), sumStats(v, 'store_packets'), dt) : undefined,
          storedBytes: prev ? rate(sumStats(prev.view, 'store_bytes'), sumStats(v, 'store_bytes'), dt) : undefined,
          ...latest.current,
        };
        prevView.current = { view: v, at: now };
        setPoints((ps) => [...ps, point].slice(-HISTORY));
      } catch (e) {
        if (!ctl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      }
      if (!ctl.signal.aborted) timer = setTimeout(tick, FOG_MS);
    };
    void tick();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, []);

  const workerNames = Object.keys(view?.workers ?? {}).sort().join(',');
  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout>;
    const names = ['api', 'master', 'balancer', ...workerNames.split(',').filter(Boolean)];
    // A feed the API does not relay (404) is asked again only every 30 s.
    const skipUntil = new Map<string, number>();
    const tick = async () => {
      const now = Date.now();
      const feeds = await Promise.all(
        names.map(async (n) => {
          const until = skipUntil.get(n);
          if (until !== undefined && now < until) return prevMetrics.current[n] ?? { samples: null, at: now };
          const f = await fetchMetrics(n === 'api' ? '/metrics' : `/metrics/${encodeURIComponent(n)}`, ctl.signal);
          if (f.unavailable === 'not served by this API') skipUntil.set(n, now + 30000);
          return f;
        }),
      );
      if (ctl.signal.aborted) return;
      const next: Record<string, MetricsFeed> = Object.fromEntries(names.map((n, i) => [n, feeds[i]!]));
      const prev = prevMetrics.current;
      const dt = (a?: MetricsFeed, b?: MetricsFeed) => (a && b ? (b.at - a.at) / 1000 : 0);
      const m = next.master?.samples ?? undefined;
      const pm = prev.master?.samples ?? undefined;
      const hist = (s: Sample[] | undefined, name: string) => (s ? histogram(s, name) : undefined);
      // Store latency over every worker that relays its metrics.
      const storeNow: HistogramTotals = { sum: 0, count: 0 };
      const storePrev: HistogramTotals = { sum: 0, count: 0 };
      let storeSeen = false;
      for (const n of names.filter((x) => x.startsWith('worker') || !['api', 'master', 'balancer'].includes(x))) {
        const a = hist(prev[n]?.samples ?? undefined, 'fog_worker_store_latency_seconds');
        const b = hist(next[n]?.samples ?? undefined, 'fog_worker_store_latency_seconds');
        if (a && b) {
          storeSeen = true;
          storeNow.sum += b.sum;
          storeNow.count += b.count;
          storePrev.sum += a.sum;
          storePrev.count += a.count;
        }
      }
      const dispatch = intervalMean(hist(pm, 'fog_master_dispatch_latency_seconds'), hist(m, 'fog_master_dispatch_latency_seconds'));
      const store = storeSeen ? intervalMean(storePrev, storeNow) : undefined;
      latest.current = {
        ingestPackets: pm && m ? rate(sum(pm, 'fog_master_packets_received_total'), sum(m, 'fog_master_packets_received_total'), dt(prev.master, next.master)) : undefined,
        ingestBytes: pm && m ? rate(sum(pm, 'fog_master_bytes_received_total'), sum(m, 'fog_master_bytes_received_total'), dt(prev.master, next.master)) : undefined,
        dispatchMs: dispatch !== undefined ? dispatch * 1000 : undefined,
        storeMs: store !== undefined ? store * 1000 : undefined,
      };
      prevMetrics.current = next;
      setMetrics(next);
      timer = setTimeout(tick, METRICS_MS);
    };
    void tick();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [workerNames]);

  return { view, rows, error, metrics, points };
}

function Rejections({ name, feed, metric }: { name: string; feed: MetricsFeed | undefined; metric: string }) {
  if (!feed) return null;
  if (!feed.samples) {
    return (
      <li data-metrics={name} data-available="false">
        <strong>{name}</strong>: <span className="muted">{feed.unavailable}</span>
      </li>
    );
  }
  const r = byLabel(feed.samples, metric, 'reason');
  const entries = Object.entries(r).filter(([, v]) => v > 0);
  return (
    <li data-metrics={name} data-available="true">
      <strong>{name}</strong>:{' '}
      {entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ')}
    </li>
  );
}

export default function DashboardPage() {
  const { view, rows, error, metrics, points } = useDashboard();
  const x = points.map((p) => p.t);
  const names = [...new Set(points.flatMap((p) => Object.keys(p.cpu)))].sort();
  const wnames = [...new Set(points.flatMap((p) => Object.keys(p.weight)))].sort();
  const last = points[points.length - 1];
  const masterFeed = metrics.master;
  const ingestFromMaster = !!masterFeed?.samples;
  const federation = view ? federationOf(view.federation) : undefined;
  return (
    <div className="dashboard">
      <h1>Fog dashboard</h1>
      <p className="muted small">
        Live from <code>GET /fog</code> every second and Prometheus text from <code>/metrics</code> every two
        seconds; charts keep the last five minutes.
      </p>
      {error && (
        <p role="alert" className="error">
          Cannot reach the fog: {error}
        </p>
      )}
      <section aria-labelledby="components-title">
        <h2 id="components-title">
          Components <span className={`badge badge-${view?.status === 'ok' ? 'online' : 'offline'}`}>{view?.status ?? '…'}</span>
        </h2>
        <ul className="components">
          {view?.components.map((c) => (
            <li key={c.name} data-component={c.name} data-state={c.state}>
              <span className={`dot dot-${c.state === 'ok' ? 'ok' : 'down'}`} aria-hidden="true" /> {c.name}: {c.state}
            </li>
          ))}
        </ul>
        {view?.policy && (
          <p className="small">
            Balancer: model <code>{String(view.policy.model ?? '–')}</code>, round {String(view.policy.round ?? '–')}, period{' '}
            {String(view.policy.period_ms ?? '–')} ms
          </p>
        )}
      </section>
      <section aria-label="Workers">
        <WorkerTable rows={rows} />
      </section>
      <FederationPanel federation={federation} />
      <section aria-labelledby="rates-title">
        <h2 id="rates-title">Ingest and latency</h2>
        <ul className="stats">
          <li data-stat="ingest-packets">
            Ingest: {last?.ingestPackets !== undefined ? `${last.ingestPackets.toFixed(1)} packets/s, ${bytes(last.ingestBytes)}/s` : ingestFromMaster ? 'no traffic yet' : `master metrics ${masterFeed?.unavailable ?? '…'}`}
          </li>
          <li data-stat="stored">
            Stored by workers (all copies):{' '}
            {last?.storedPackets !== undefined ? `${last.storedPackets.toFixed(1)} packets/s, ${bytes(last.storedBytes)}/s` : '…'}
          </li>
          <li data-stat="dispatch-latency">
            Dispatch latency (mean):{' '}
            {last?.dispatchMs !== undefined ? `${last.dispatchMs.toFixed(1)} ms` : ingestFromMaster ? 'no dispatch in the last interval' : 'master metrics not available'}
          </li>
          <li data-stat="store-latency">
            Store latency (mean): {last?.storeMs !== undefined ? `${last.storeMs.toFixed(1)} ms` : 'no store in the last interval, or no worker metrics'}
          </li>
        </ul>
        <h3>Rejections by reason</h3>
        <ul className="rejections">
          <Rejections name="api" feed={metrics.api} metric="fog_api_rejected_total" />
          <Rejections name="master" feed={metrics.master} metric="fog_master_rejected_total" />
          <Rejections name="balancer" feed={metrics.balancer} metric="fog_balancer_rejected_total" />
          {rows.map((r) => (
            <Rejections key={r.name} name={r.name} feed={metrics[r.name]} metric="fog_worker_rejected_total" />
          ))}
        </ul>
      </section>
      <section className="charts" aria-label="Charts" data-points={points.length}>
        <Chart title="Worker CPU" unit="%" x={x} series={names.map((n) => ({ label: n, values: points.map((p) => p.cpu[n] ?? null) }))} />
        <Chart title="Balancer weights" x={x} series={wnames.map((n) => ({ label: n, values: points.map((p) => p.weight[n] ?? null) }))} />
        <Chart
          title="Packets per second"
          x={x}
          series={[
            { label: 'ingest (master)', values: points.map((p) => p.ingestPackets ?? null) },
            { label: 'stored (all copies)', values: points.map((p) => p.storedPackets ?? null) },
          ]}
        />
        <Chart
          title="Latency (ms)"
          x={x}
          series={[
            { label: 'dispatch', values: points.map((p) => p.dispatchMs ?? null) },
            { label: 'store', values: points.map((p) => p.storeMs ?? null) },
          ]}
        />
      </section>
    </div>
  );
}
