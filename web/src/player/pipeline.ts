// Fetches a video's signed envelopes (GET /videos/{id}/packets/{n}) ahead of
// playback, feeds them in order to the browser's verifier, keeps one timeline
// cell per packet, and hands out the media of verified packets only.
//
// Bounds: at most `concurrency` requests in flight; fetching pauses while
// verified media nobody has asked for yet exceeds `maxAheadBytes`; media
// already handed out is kept up to `maxCacheBytes` (oldest first out), and a
// later request for a packet let go verifies the stream again from packet 1.

import type { PacketVerdict, StreamVerifier } from './verifierTypes';

export type CellStatus = 'pending' | 'verified' | 'invalid' | 'missing' | 'unsigned';

export interface Cell {
  n: number;
  status: CellStatus;
  reason?: string;
  digestHex?: string;
  linkHex?: string;
  prevLinkHex?: string;
  keyIdHex?: string;
  /** The certified publisher whose signature covers the packet. */
  publisher?: string;
  holders?: string[];
  bytes?: number;
}

export type FetchResult =
  | { kind: 'ok'; envelope: Uint8Array; holders: string[] }
  | { kind: 'absent'; status: number; message: string; retryAfterMs?: number };

export interface PacketSource {
  fetchPacket(n: number, signal: AbortSignal): Promise<FetchResult>;
}

export interface PipelineOptions {
  videoId: string;
  /**
   * Opens a verification stream. May be a promise (the verifier is still
   * loading): packets are fetched meanwhile and verified once it resolves.
   */
  newStream: (() => StreamVerifier) | Promise<() => StreamVerifier>;
  source: PacketSource;
  /** Packets in the whole video, 0 while unknown (live). */
  totalPackets?: number;
  concurrency?: number;
  maxAheadBytes?: number;
  maxCacheBytes?: number;
  /** Tries of a packet answering 503 before it counts as missing. */
  unavailableTries?: number;
  /** Wait between polls of a live video's next packet. */
  livePollMs?: number;
  onChange?: () => void;
  /** Called once when a packet fails: playback must stop. */
  onFailure?: (cell: Cell) => void;
}

export class PacketRefused extends Error {
  constructor(readonly cell: Cell) {
    super(`packet ${cell.n} is ${cell.status}${cell.reason ? `: ${cell.reason}` : ''}`);
  }
}

interface Waiter {
  resolve: (m: Uint8Array) => void;
  reject: (e: Error) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export class PacketPipeline {
  readonly cells: Cell[] = [];
  private total: number;
  private stream: StreamVerifier | null = null;
  private factory: (() => StreamVerifier) | null = null;
  private readonly ctl = new AbortController();
  private nextFetch = 1;
  private nextPush = 1;
  private inFlight = 0;
  private readonly fetched = new Map<number, FetchResult>();
  private readonly media = new Map<number, Uint8Array>();
  private readonly delivered = new Set<number>();
  private aheadBytes = 0;
  /** Fetched envelopes waiting for their turn (or for the verifier). */
  private queuedBytes = 0;
  private cacheBytes = 0;
  private readonly waiters = new Map<number, Waiter[]>();
  private failed = false;
  private closed = false;
  private started = false;
  private livePolling = false;
  private readonly opts: Required<Omit<PipelineOptions, 'onChange' | 'onFailure' | 'totalPackets'>> &
    Pick<PipelineOptions, 'onChange' | 'onFailure'>;

  constructor(opts: PipelineOptions) {
    this.opts = {
      concurrency: 4,
      maxAheadBytes: 128 << 20,
      maxCacheBytes: 256 << 20,
      unavailableTries: 10,
      livePollMs: 1000,
      ...opts,
    };
    this.total = opts.totalPackets ?? 0;
    if (typeof opts.newStream === 'function') {
      this.factory = opts.newStream;
      this.stream = this.factory();
    } else {
      opts.newStream.then(
        (f) => {
          if (this.ctl.signal.aborted) return;
          this.factory = f;
          this.stream = f();
          this.drain();
          this.pump();
        },
        () => undefined, // the owner reports a verifier that did not load
      );
    }
  }

  get totalPackets(): number {
    return this.total;
  }

  /** Number of packets known so far (cells on the timeline). */
  get known(): number {
    return this.cells.length;
  }

  setTotal(total: number): void {
    if (total > 0 && total !== this.total) {
      this.total = total;
      this.ensureCells(total);
      this.pump();
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.total > 0) this.ensureCells(this.total);
    this.pump();
  }

  stop(): void {
    if (this.ctl.signal.aborted) return;
    this.ctl.abort();
    this.stream?.dispose?.();
    for (const [, ws] of this.waiters) for (const w of ws) w.reject(new Error('stopped'));
    this.waiters.clear();
  }

  counts(): Record<CellStatus, number> {
    const c: Record<CellStatus, number> = { pending: 0, verified: 0, invalid: 0, missing: 0, unsigned: 0 };
    for (const cell of this.cells) c[cell.status]++;
    return c;
  }

  /** The verified media of packet n; rejects with PacketRefused if it failed. */
  mediaOf(n: number): Promise<Uint8Array> {
    const cell = this.cells[n - 1];
    if (cell && cell.status !== 'pending' && cell.status !== 'verified') {
      return Promise.reject(new PacketRefused(cell));
    }
    const m = this.media.get(n);
    if (m) return Promise.resolve(this.handOut(n, m));
    if (cell?.status === 'verified') return this.reverify(n);
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(n) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(n, list);
      this.pump();
    });
  }

  private handOut(n: number, m: Uint8Array): Uint8Array {
    if (!this.delivered.has(n)) {
      this.delivered.add(n);
      this.aheadBytes -= m.byteLength;
      this.cacheBytes += m.byteLength;
      this.evict();
      this.pump();
    }
    return m;
  }

  private evict(): void {
    for (const n of this.delivered) {
      if (this.cacheBytes <= this.opts.maxCacheBytes) return;
      const m = this.media.get(n);
      if (m) {
        this.media.delete(n);
        this.cacheBytes -= m.byteLength;
      }
    }
  }

  private ensureCells(upTo: number): void {
    let changed = false;
    while (this.cells.length < upTo) {
      this.cells.push({ n: this.cells.length + 1, status: 'pending' });
      changed = true;
    }
    if (changed) this.opts.onChange?.();
  }

  private pump(): void {
    if (!this.started || this.ctl.signal.aborted) return;
    while (this.inFlight < this.opts.concurrency && this.canFetch(this.nextFetch)) {
      const n = this.nextFetch++;
      this.inFlight++;
      void this.fetchOne(n);
    }
  }

  private canFetch(n: number): boolean {
    if (this.total > 0 && n > this.total) return false;
    // Unknown total: ask at most `concurrency` past the verified edge, so a
    // live stream is polled one window at a time.
    if (this.total === 0 && n >= this.nextPush + this.opts.concurrency) return false;
    if (this.livePolling && n > this.nextPush) return false;
    const wanted = this.waiters.size > 0 && Math.min(...this.waiters.keys()) >= n;
    return this.aheadBytes + this.queuedBytes <= this.opts.maxAheadBytes || wanted;
  }

  private async fetchOne(n: number): Promise<void> {
    const signal = this.ctl.signal;
    let result: FetchResult | undefined;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        result = await this.opts.source.fetchPacket(n, signal);
      } catch (e) {
        if (signal.aborted) return;
        result = { kind: 'absent', status: 0, message: e instanceof Error ? e.message : String(e) };
      }
      if (result.kind === 'ok') break;
      const transient = result.status === 503 || result.status === 0;
      if (result.status === 404 && this.total === 0) {
        // Not published yet: a live stream's next packet. Poll for it.
        this.livePolling = true;
        await sleep(this.opts.livePollMs, signal);
        if (this.total > 0 && n > this.total) {
          result = undefined;
          break;
        }
        continue;
      }
      if (transient && attempt < this.opts.unavailableTries) {
        await sleep(result.retryAfterMs ?? 1000, signal);
        continue;
      }
      break;
    }
    this.inFlight--;
    if (signal.aborted) return;
    if (result) {
      if (result.kind === 'ok' && n === this.nextPush) this.livePolling = false;
      this.fetched.set(n, result);
      if (result.kind === 'ok') this.queuedBytes += result.envelope.byteLength;
      this.drain();
    }
    this.pump();
  }

  private drain(): void {
    const stream = this.stream;
    if (!stream) return;
    let changed = false;
    for (;;) {
      const n = this.nextPush;
      const r = this.fetched.get(n);
      if (!r) break;
      this.fetched.delete(n);
      if (r.kind === 'ok') this.queuedBytes -= r.envelope.byteLength;
      this.nextPush++;
      this.ensureCells(n);
      const cell = this.cells[n - 1]!;
      changed = true;
      if (r.kind === 'absent') {
        this.settle({ ...cell, status: 'missing', reason: r.message });
        continue;
      }
      cell.holders = r.holders;
      cell.bytes = r.envelope.byteLength;
      let verdicts: PacketVerdict[];
      try {
        verdicts = stream.push(n, r.envelope);
      } catch (e) {
        verdicts = [
          {
            index: n,
            status: 'invalid',
            reason: `verifier error: ${e instanceof Error ? e.message : String(e)}`,
            videoId: this.opts.videoId,
            totalPackets: 0,
            digestHex: '',
            linkHex: '',
          },
        ];
      }
      for (const v of verdicts) this.apply(v);
    }
    if (this.total > 0 && this.nextPush > this.total) this.closeStream();
    if (changed) this.opts.onChange?.();
  }

  private apply(v: PacketVerdict): void {
    if (v.totalPackets > 0) this.setTotal(v.totalPackets);
    this.ensureCells(v.index);
    const cell = this.cells[v.index - 1]!;
    const next: Cell = {
      ...cell,
      status: v.status,
      reason: v.reason && v.detail ? `${v.reason}: ${v.detail}` : (v.reason ?? v.detail),
      digestHex: v.digestHex || cell.digestHex,
      linkHex: v.linkHex || cell.linkHex,
      prevLinkHex: v.prevLinkHex ?? cell.prevLinkHex,
      keyIdHex: v.keyIdHex ?? cell.keyIdHex,
      publisher: v.publisher ?? cell.publisher,
    };
    if (v.status === 'verified' && v.media) {
      this.media.set(v.index, v.media);
      this.aheadBytes += v.media.byteLength;
    }
    this.settle(next);
  }

  /** The stream ended: a packet no signature covered is unsigned, never played. */
  private closeStream(): void {
    if (this.closed) return;
    this.closed = true;
    for (const v of this.stream?.finish?.() ?? []) this.apply(v);
    for (const cell of this.cells) {
      if (cell.status === 'pending' && cell.n < this.nextPush) {
        this.settle({ ...cell, status: 'unsigned', reason: 'the stream ended without a signature covering it' });
      }
    }
  }

  private settle(cell: Cell): void {
    this.cells[cell.n - 1] = cell;
    const ws = this.waiters.get(cell.n);
    if (cell.status === 'verified') {
      const m = this.media.get(cell.n);
      if (ws && m) {
        this.waiters.delete(cell.n);
        const out = this.handOut(cell.n, m);
        for (const w of ws) w.resolve(out);
      }
    } else if (cell.status !== 'pending') {
      if (ws) {
        this.waiters.delete(cell.n);
        for (const w of ws) w.reject(new PacketRefused(cell));
      }
      if (!this.failed) {
        this.failed = true;
        this.opts.onFailure?.(cell);
      }
    }
  }

  /** Verifies 1..n again with a fresh stream, keeping only packet n's media. */
  private async reverify(n: number): Promise<Uint8Array> {
    if (!this.factory) throw new Error('the verifier is not loaded');
    const stream = this.factory();
    try {
      return await this.verifyAgain(stream, n);
    } finally {
      stream.dispose?.();
    }
  }

  private async verifyAgain(stream: StreamVerifier, n: number): Promise<Uint8Array> {
    let found: Uint8Array | undefined;
    for (let i = 1; i <= this.total || i <= n; i++) {
      const r = await this.opts.source.fetchPacket(i, this.ctl.signal);
      if (r.kind !== 'ok') throw new Error(`packet ${i} could not be fetched again: ${r.message}`);
      for (const v of stream.push(i, r.envelope)) {
        if (v.index === n && v.status === 'verified' && v.media) found = v.media;
        else if (v.index <= n && v.status !== 'verified' && v.status !== 'pending') {
          throw new Error(`packet ${v.index} no longer verifies: ${v.reason ?? v.status}`);
        }
      }
      if (found) return found;
    }
    throw new Error(`packet ${n} did not verify again`);
  }
}

/** The packet source of a fog API: GET /videos/{id}/packets/{n}. */
export function httpPacketSource(videoId: string, fetchFn: typeof fetch = fetch): PacketSource {
  const base = `/videos/${encodeURIComponent(videoId)}/packets/`;
  return {
    async fetchPacket(n, signal) {
      const res = await fetchFn(`${base}${n}`, { signal, cache: 'no-store' });
      if (!res.ok) {
        let message = `HTTP ${res.status}`;
        try {
          const body = (await res.json()) as { error?: unknown };
          if (typeof body.error === 'string') message = body.error;
        } catch {
          // keep the status
        }
        const ra = Number(res.headers.get('Retry-After'));
        return {
          kind: 'absent',
          status: res.status,
          message,
          retryAfterMs: Number.isFinite(ra) && ra > 0 ? Math.min(ra, 10) * 1000 : undefined,
        };
      }
      const holders = (res.headers.get('X-Fog-Holders') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return { kind: 'ok', envelope: new Uint8Array(await res.arrayBuffer()), holders };
    },
  };
}
