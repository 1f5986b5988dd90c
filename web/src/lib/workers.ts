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
 * until the broker notices, but its answers stop at once. Its stats' `seq` is
 * the number of the balancer's ping it answered and the policy's `round` the
 * latest ping, so `round - seq` is how many pings it has left unanswered: two
 * is offline. The same is judged by the browser's clock (no new `seq` seen
 * for two periods) for when no policy comes.
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
    const round = typeof view.policy?.round === 'number' ? view.policy.round : undefined;
    const missed = round !== undefined && seq !== undefined ? round - seq : undefined;
    let why = '';
    if (!w || w.state !== 'online') why = 'status offline';
    else if (missed !== undefined && missed >= 2) why = `${missed} pings unanswered`;
    else if (typeof age === 'number' && age >= 2) why = `silent for ${age} balancer periods`;
    else if (seq !== undefined && since > 2 * period) why = `no stats for ${(since / 1000).toFixed(0)} s`;
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
