import { describe, expect, it } from 'vitest';
import type { FogView } from './api';
import { byLabel, histogram, intervalMean, parsePrometheus, rate, sum } from './prometheus';
import { workerRows, type SeqSeen } from './workers';

const TEXT = `# HELP fog_master_packets_received_total stream packets received
# TYPE fog_master_packets_received_total counter
fog_master_packets_received_total 120
fog_master_rejected_total{reason="malformed"} 3
fog_master_rejected_total{reason="bad-video-id"} 2
fog_master_rejected_total{reason="odd \\"quoted\\", label"} 1
fog_master_dispatch_latency_seconds_bucket{le="0.005"} 4
fog_master_dispatch_latency_seconds_bucket{le="+Inf"} 10
fog_master_dispatch_latency_seconds_sum 0.25
fog_master_dispatch_latency_seconds_count 10
fog_master_policy_weight{worker="worker-1"} 0.5 1700000000000
this line is garbage
bad_value{a="b"} x
`;

describe('parsePrometheus', () => {
  const s = parsePrometheus(TEXT);
  it('reads samples, labels with escapes, and skips garbage', () => {
    expect(sum(s, 'fog_master_packets_received_total')).toBe(120);
    expect(byLabel(s, 'fog_master_rejected_total', 'reason')).toEqual({
      malformed: 3,
      'bad-video-id': 2,
      'odd "quoted", label': 1,
    });
    expect(sum(s, 'fog_master_dispatch_latency_seconds_bucket', { le: '+Inf' })).toBe(10);
    expect(sum(s, 'fog_master_policy_weight', { worker: 'worker-1' })).toBe(0.5);
    expect(s.some((x) => x.name === 'bad_value' || x.name === 'this')).toBe(false);
  });
  it('derives rates and interval means', () => {
    const h1 = histogram(s, 'fog_master_dispatch_latency_seconds');
    expect(h1).toEqual({ sum: 0.25, count: 10 });
    expect(intervalMean(h1, { sum: 0.45, count: 20 })).toBeCloseTo(0.02);
    expect(intervalMean(h1, h1)).toBeUndefined();
    expect(rate(100, 130, 2)).toBe(15);
    expect(rate(100, 10, 2)).toBe(5); // a restarted counter counts from zero
    expect(rate(undefined, 10, 2)).toBeUndefined();
  });
});

describe('workerRows', () => {
  const view = (seq: number, round: number, state = 'online', age = 0): FogView => ({
    status: 'ok',
    components: [],
    workers: { 'worker-1': { state, stats: { cpu: 12.5, seq, store_packets: 7 } } },
    policy: { weights: { 'worker-1': 1 }, period_ms: 1000, round, workers: { 'worker-1': { age_periods: age } } },
  });
  it('is online while it answers the pings and offline when it stops or its status says so', () => {
    const seen: SeqSeen = new Map();
    expect(workerRows(view(1, 1), seen, 0)[0]).toMatchObject({ name: 'worker-1', state: 'online', weight: 1 });
    expect(workerRows(view(2, 3), seen, 1000)[0]!.state).toBe('online');
    expect(workerRows(view(2, 4), seen, 1500)[0]).toMatchObject({ state: 'offline', why: '2 pings unanswered' });
    expect(workerRows(view(5, 5, 'offline'), seen, 1600)[0]).toMatchObject({ state: 'offline', why: 'status offline' });
    expect(workerRows(view(6, 6, 'online', 2), seen, 1700)[0]!.state).toBe('offline');
  });
  it('judges by the browser clock when the policy stops', () => {
    const seen: SeqSeen = new Map();
    expect(workerRows(view(1, 1), seen, 0)[0]!.state).toBe('online');
    expect(workerRows(view(1, 1), seen, 2000)[0]!.state).toBe('online');
    expect(workerRows(view(1, 1), seen, 2100)[0]).toMatchObject({ state: 'offline', why: 'no stats for 2 s' });
  });
});
