// An hls.js fragment loader that never touches the network for media: it
// asks the packet pipeline for the verified media of the fragment's packet
// (init segment = packet 1, N.m4s = packet N). Bytes of a packet that did not
// verify are never handed to hls.js, so never reach the media element.

import type {
  FragmentLoaderContext,
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderStats,
} from 'hls.js';
import { packetOfUri } from './playlist';

export interface MediaSource {
  mediaOf(n: number): Promise<Uint8Array>;
}

function newStats(): LoaderStats {
  const t = { start: 0, first: 0, end: 0 };
  return {
    aborted: false,
    loaded: 0,
    retry: 0,
    total: 0,
    chunkCount: 0,
    bwEstimate: 0,
    loading: { ...t },
    parsing: { start: 0, end: 0 },
    buffering: { ...t },
  };
}

export function makeVerifiedLoader(
  source: MediaSource,
  onDelivered?: (n: number, bytes: number) => void,
  onRefused?: (n: number, why: string) => void,
) {
  return class VerifiedLoader implements Loader<FragmentLoaderContext> {
    context: FragmentLoaderContext | null = null;
    stats: LoaderStats = newStats();
    private aborted = false;

    // hls.js constructs loaders with its config; the source is closed over.
    constructor(_config?: HlsConfig) {}

    load(context: FragmentLoaderContext, _config: LoaderConfiguration, callbacks: LoaderCallbacks<FragmentLoaderContext>): void {
      this.context = context;
      this.aborted = false;
      const stats = (this.stats = newStats());
      stats.loading.start = performance.now();
      const n = packetOfUri(context.url);
      if (n === null) {
        callbacks.onError({ code: 400, text: `not a packet of this video: ${context.url}` }, context, null, stats);
        return;
      }
      source.mediaOf(n).then(
        (media) => {
          if (this.aborted) return;
          // A copy: hls.js transfers and detaches the buffer it is given.
          const data = media.slice().buffer;
          const now = performance.now();
          stats.loading.first = now;
          stats.loading.end = now;
          stats.loaded = stats.total = data.byteLength;
          onDelivered?.(n, data.byteLength);
          callbacks.onSuccess({ url: context.url, data }, stats, context, null);
        },
        (e: unknown) => {
          if (this.aborted) return;
          stats.loading.end = performance.now();
          const why = e instanceof Error ? e.message : String(e);
          onRefused?.(n, why);
          callbacks.onError({ code: 0, text: why }, context, null, stats);
        },
      );
    }

    abort(): void {
      this.aborted = true;
      this.stats.aborted = true;
    }

    destroy(): void {
      this.abort();
      this.context = null;
    }
  };
}
