import type { FogView, WorkerStats } from './api';

export interface WorkerRow {
  name: string;
  state: 'online' | 'offline';
  why: string;
  stats: WorkerStats | null;
  weight: number | undefined;
}

/** When each worker's stats last changed (its `seq`), by the browser's clock. */
export type SeqSeen = Map<string, { seq: number | undefined; at: number }>;

/**
 * A worker is online when its retained status says so and it keeps answering
 * the balancer: a worker killed without a goodbye keeps its retained status
 * until the broker notices, but its stats stop at once. Silent for more than
 * 2.5 balancer periods (by the policy's age, or by the stats' seq seen here)
 * is offline.
 */
export function workerRows(view: FogView, seen: SeqSeen, now: number): WorkerRow[] {
  const period = typeof view.policy?.period_ms === 'number' ? view.policy.period_ms : 2000;
  const pw = (view.policy?.workers ?? {}) as Record<string, { age_periods?: number }>;
  const names = new Set([...Object.keys(view.workers), ...Object.keys(view.policy?.weights ?? {})]);
  const rows: WorkerRow[] = [];
  for (const name of [...names].sort()) {
    const w = view.workers[name];
    const stats = w?.stats ?? null;
    const seq = typeof stats?.seq === 'number' ? stats.seq : undefined;
    const last = seen.get(name);
    if (!last || last.seq !== seq) seen.set(name, { seq, at: now });
    const since = now - (seen.get(name)?.at ?? now);
    const age = pw[name]?.age_periods;
    let why = '';
    if (!w || w.state !== 'online') why = 'status offline';
    else if (typeof age === 'number' && age >= 3) why = `silent for ${age} balancer periods`;
    else if (seq !== undefined && since > 2.5 * period) why = `no stats for ${(since / 1000).toFixed(0)} s`;
    rows.push({
      name,
      state: why ? 'offline' : 'online',
      why,
      stats,
      weight: view.policy?.weights?.[name],
    });
  }
  return rows;
}
