import type { KeyboardEvent } from 'react';
import type { Cell, CellStatus } from '../player/pipeline';
import { mmss, shortHex } from '../lib/format';

export const STATUSES: CellStatus[] = ['verified', 'pending', 'invalid', 'missing', 'unsigned'];

export interface TimelineProps {
  cells: Cell[];
  /** Seconds of packet n (n ≥ 2), from the playlist. */
  durations: Map<number, number>;
  currentTime: number;
  selected: number | null;
  onSelect: (n: number) => void;
}

function durationOf(n: number, durations: Map<number, number>, fallback: number): number {
  return durations.get(n) ?? fallback;
}

/** End (s) of the contiguous verified prefix and the key that signed it. */
export function verifiedUpTo(
  cells: Cell[],
  durations: Map<number, number>,
): { seconds: number; keyIdHex?: string; publisher?: string } {
  let seconds = 0;
  let keyIdHex: string | undefined;
  let publisher: string | undefined;
  for (const c of cells) {
    if (c.status !== 'verified') break;
    if (c.n >= 2) seconds += durations.get(c.n) ?? 0;
    keyIdHex = c.keyIdHex ?? keyIdHex;
    publisher = c.publisher ?? publisher;
  }
  return { seconds, keyIdHex, publisher };
}

export function Counters({ cells }: { cells: Cell[] }) {
  const counts: Record<CellStatus, number> = { pending: 0, verified: 0, invalid: 0, missing: 0, unsigned: 0 };
  for (const c of cells) counts[c.status]++;
  return (
    <ul className="counters" aria-label="Packet counts">
      {STATUSES.map((s) => (
        <li key={s} data-counter={s}>
          <span className={`swatch swatch-${s}`} aria-hidden="true" /> {s} <strong>{counts[s]}</strong>
        </li>
      ))}
    </ul>
  );
}

/** Arrow keys, Home and End move between cells; only one cell is in the Tab order. */
function onTimelineKey(e: KeyboardEvent<HTMLDivElement>) {
  const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-packet]');
  if (!cell) return;
  const all = [...e.currentTarget.querySelectorAll<HTMLElement>('[data-packet]')];
  const i = all.indexOf(cell);
  const next =
    e.key === 'ArrowRight' ? all[i + 1] : e.key === 'ArrowLeft' ? all[i - 1] : e.key === 'Home' ? all[0] : e.key === 'End' ? all[all.length - 1] : undefined;
  if (!next) return;
  e.preventDefault();
  cell.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

export function Timeline({ cells, durations, currentTime, selected, onSelect }: TimelineProps) {
  const known = [...durations.values()];
  const avg = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  let total = 0;
  for (const c of cells) if (c.n >= 2) total += durationOf(c.n, durations, avg);
  const frac = total > 0 ? Math.min(1, currentTime / total) : 0;
  return (
    <div className="timeline-wrap">
      <div
        className="timeline"
        role="group"
        aria-label="Integrity timeline, one cell per packet (arrow keys move between packets)"
        onKeyDown={onTimelineKey}
      >
        {cells.map((c) => {
          const d = c.n >= 2 ? durationOf(c.n, durations, avg) : 0;
          return (
            <button
              type="button"
              key={c.n}
              className={`cell cell-${c.status}${selected === c.n ? ' cell-selected' : ''}`}
              data-packet={c.n}
              data-status={c.status}
              style={c.n === 1 ? undefined : { flexGrow: d }}
              aria-label={`packet ${c.n}: ${c.status}`}
              aria-pressed={selected === c.n}
              tabIndex={c.n === (selected ?? 1) ? 0 : -1}
              title={`packet ${c.n}: ${c.status}${c.reason ? ` (${c.reason})` : ''}`}
              onClick={() => onSelect(c.n)}
            />
          );
        })}
        {total > 0 && (
          <div
            className="playhead"
            aria-hidden="true"
            style={{ left: `calc(var(--init-cell) + (100% - var(--init-cell)) * ${frac})` }}
          />
        )}
      </div>
    </div>
  );
}

export function PacketDetails({
  cell,
  durations,
  onSeek,
}: {
  cell: Cell;
  durations: Map<number, number>;
  onSeek?: (seconds: number) => void;
}) {
  let start = 0;
  for (let n = 2; n < cell.n; n++) start += durations.get(n) ?? 0;
  const d = durations.get(cell.n);
  return (
    <section className="packet-details" aria-label={`Packet ${cell.n}`} data-details={cell.n}>
      <h3>Packet {cell.n}</h3>
      {onSeek && cell.n >= 2 && cell.status === 'verified' && (
        <button type="button" onClick={() => onSeek(start)}>
          Play from {mmss(start)}
        </button>
      )}
      <dl className="facts">
        <dt>Status</dt>
        <dd data-field="status">{cell.status}</dd>
        {cell.reason && (
          <>
            <dt>Reason</dt>
            <dd data-field="reason">{cell.reason}</dd>
          </>
        )}
        <dt>Media</dt>
        <dd>{cell.n === 1 ? 'init segment' : d !== undefined ? `${mmss(start)} – ${mmss(start + d)}` : '–'}</dd>
        <dt>Digest</dt>
        <dd data-field="digest"><code title={cell.digestHex}>{shortHex(cell.digestHex, 32)}</code></dd>
        <dt>Chain link</dt>
        <dd data-field="link"><code title={cell.linkHex}>{shortHex(cell.linkHex, 32)}</code></dd>
        {cell.prevLinkHex && (
          <>
            <dt>Previous link</dt>
            <dd><code title={cell.prevLinkHex}>{shortHex(cell.prevLinkHex, 32)}</code></dd>
          </>
        )}
        <dt>Key id</dt>
        <dd data-field="key"><code>{cell.keyIdHex ?? '–'}</code></dd>
        {cell.publisher && (
          <>
            <dt>Publisher</dt>
            <dd data-field="publisher">{cell.publisher}</dd>
          </>
        )}
        <dt>Held by</dt>
        <dd data-field="holders">{cell.holders?.length ? cell.holders.join(', ') : '–'}</dd>
      </dl>
    </section>
  );
}
