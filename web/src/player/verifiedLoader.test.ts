import { describe, expect, it, vi } from 'vitest';
import type { FragmentLoaderContext, LoaderCallbacks, LoaderConfiguration } from 'hls.js';
import { PacketRefused } from './pipeline';
import { packetOfUri, parsePlaylist } from './playlist';
import { makeVerifiedLoader } from './verifiedLoader';

const ctx = (url: string) => ({ url, responseType: 'arraybuffer' }) as unknown as FragmentLoaderContext;
const cfg = {} as LoaderConfiguration;

function callbacks() {
  return {
    onSuccess: vi.fn(),
    onError: vi.fn(),
    onTimeout: vi.fn(),
  } satisfies LoaderCallbacks<FragmentLoaderContext>;
}

describe('packetOfUri', () => {
  it('maps the playlist URIs to packet numbers', () => {
    expect(packetOfUri('init.mp4')).toBe(1);
    expect(packetOfUri('http://h/videos/x/init.mp4')).toBe(1);
    expect(packetOfUri('2.m4s')).toBe(2);
    expect(packetOfUri('/videos/a%2Fb/17.m4s?x=1')).toBe(17);
    expect(packetOfUri('1.m4s')).toBeNull();
    expect(packetOfUri('02.m4s')).toBeNull();
    expect(packetOfUri('index.m3u8')).toBeNull();
  });

  it('reads durations and the end from the API playlist', () => {
    const p = parsePlaylist(
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:1.000000,\n2.m4s\n#EXTINF:0.960000,\n3.m4s\n#EXT-X-ENDLIST\n',
    );
    expect([...p.durations]).toEqual([
      [2, 1],
      [3, 0.96],
    ]);
    expect(p.ended).toBe(true);
  });
});

describe('VerifiedLoader', () => {
  it('hands hls.js the verified media of the fragment’s packet', async () => {
    const mediaOf = vi.fn(async (n: number) => new Uint8Array([n, n, n]));
    const delivered: number[] = [];
    const Loader = makeVerifiedLoader({ mediaOf }, (n) => delivered.push(n));
    const l = new Loader();
    const cb = callbacks();
    l.load(ctx('/videos/v/5.m4s'), cfg, cb);
    await vi.waitFor(() => expect(cb.onSuccess).toHaveBeenCalled());
    expect(mediaOf).toHaveBeenCalledWith(5);
    const [resp, stats] = cb.onSuccess.mock.calls[0]!;
    expect(new Uint8Array(resp.data)).toEqual(new Uint8Array([5, 5, 5]));
    expect(stats.loaded).toBe(3);
    expect(delivered).toEqual([5]);
  });

  it('reports an error and delivers nothing for a refused packet', async () => {
    const cell = { n: 3, status: 'invalid' as const, reason: 'bad signature' };
    const Loader = makeVerifiedLoader({ mediaOf: () => Promise.reject(new PacketRefused(cell)) });
    const l = new Loader();
    const cb = callbacks();
    l.load(ctx('3.m4s'), cfg, cb);
    await vi.waitFor(() => expect(cb.onError).toHaveBeenCalled());
    expect(cb.onError.mock.calls[0]![0].text).toContain('bad signature');
    expect(cb.onSuccess).not.toHaveBeenCalled();
  });

  it('delivers nothing after abort', async () => {
    let release!: (m: Uint8Array) => void;
    const Loader = makeVerifiedLoader({ mediaOf: () => new Promise((r) => (release = r)) });
    const l = new Loader();
    const cb = callbacks();
    l.load(ctx('init.mp4'), cfg, cb);
    l.abort();
    release(new Uint8Array([1]));
    await new Promise((r) => setTimeout(r, 5));
    expect(cb.onSuccess).not.toHaveBeenCalled();
  });
});
