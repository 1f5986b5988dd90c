// A parser for the Prometheus text exposition format (0.0.4) the fog's
// components serve on /metrics, and the few reductions the dashboard needs.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseLabels(s: string): Record<string, string> | null {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === ',') i++;
    if (i >= s.length) break;
    const eq = s.indexOf('=', i);
    if (eq < 0 || s[eq + 1] !== '"') return null;
    const key = s.slice(i, eq).trim();
    let j = eq + 2;
    let val = '';
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] === '\\' && j + 1 < s.length) {
        const c = s[++j];
        val += c === 'n' ? '\n' : c;
      } else {
        val += s[j];
      }
    }
    if (j >= s.length) return null;
    labels[key] = val;
    i = j + 1;
  }
  return labels;
}

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/** Samples of every well-formed line; comments and malformed lines are skipped. */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    if (brace >= 0 && (space < 0 || brace < space)) {
      const close = line.lastIndexOf('}');
      if (close < brace) continue;
      name = line.slice(0, brace);
      const l = parseLabels(line.slice(brace + 1, close));
      if (!l) continue;
      labels = l;
      rest = line.slice(close + 1).trim();
    } else {
      if (space < 0) continue;
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) continue;
    const value = parseValue(rest.split(/\s+/)[0] ?? '');
    if (Number.isNaN(value)) continue;
    out.push({ name, labels, value });
  }
  return out;
}

export function sum(samples: Sample[], name: string, match: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).some(([k, v]) => s.labels[k] !== v)) continue;
    total = (total ?? 0) + s.value;
  }
  return total;
}

/** value by the given label, e.g. rejected_total by reason. */
export function byLabel(samples: Sample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== name) continue;
    const k = s.labels[label] ?? '';
    out[k] = (out[k] ?? 0) + s.value;
  }
  return out;
}

export interface HistogramTotals {
  sum: number;
  count: number;
}

export function histogram(samples: Sample[], name: string): HistogramTotals | undefined {
  const s = sum(samples, `${name}_sum`);
  const c = sum(samples, `${name}_count`);
  return s === undefined || c === undefined ? undefined : { sum: s, count: c };
}

/** Mean over the interval between two readings of a histogram, or undefined without new observations. */
export function intervalMean(prev: HistogramTotals | undefined, cur: HistogramTotals | undefined): number | undefined {
  if (!prev || !cur) return undefined;
  const dc = cur.count - prev.count;
  if (dc <= 0) return undefined;
  return (cur.sum - prev.sum) / dc;
}

/** Per-second rate of a counter between two readings (a reset counts from zero). */
export function rate(prev: number | undefined, cur: number | undefined, seconds: number): number | undefined {
  if (prev === undefined || cur === undefined || seconds <= 0) return undefined;
  return (cur >= prev ? cur - prev : cur) / seconds;
}
