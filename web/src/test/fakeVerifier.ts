// A stand-in for the WebAssembly verifier, for component and pipeline tests
// only (the real verifier is tested on the shared vectors). An "envelope" is
// a tiny text: `ok:<media>`, `bad:<reason>`, `later:<media>` (waits for the
// next `sig` packet), `sig:<media>` (verified, and settles every waiting one),
// `none:<media>` (never signed).
import type { PacketVerdict, StreamVerifier, Verifier } from '../player/verifierTypes';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function envelope(kind: 'ok' | 'bad' | 'later' | 'sig' | 'none', body: string): Uint8Array {
  return enc.encode(`${kind}:${body}`);
}

export class FakeStream implements StreamVerifier {
  pushed: number[] = [];
  private waiting: { n: number; media: string }[] = [];
  constructor(
    private readonly videoId: string,
    private readonly total = 0,
  ) {}

  private verdict(n: number, status: PacketVerdict['status'], media?: string, reason?: string): PacketVerdict {
    return {
      index: n,
      status,
      reason,
      videoId: this.videoId,
      totalPackets: this.total,
      keyIdHex: status === 'verified' ? 'ab'.repeat(16) : undefined,
      digestHex: `d${n}`,
      linkHex: `l${n}`,
      media: status === 'verified' && media !== undefined ? enc.encode(media) : undefined,
    };
  }

  push(n: number, env: Uint8Array): PacketVerdict[] {
    this.pushed.push(n);
    const text = dec.decode(env);
    const i = text.indexOf(':');
    const kind = text.slice(0, i);
    const body = text.slice(i + 1);
    switch (kind) {
      case 'ok':
        return [this.verdict(n, 'verified', body)];
      case 'bad':
        return [this.verdict(n, 'invalid', undefined, body)];
      case 'later':
        this.waiting.push({ n, media: body });
        return [this.verdict(n, 'pending')];
      case 'sig': {
        const out = this.waiting.map((w) => this.verdict(w.n, 'verified', w.media));
        this.waiting = [];
        return [...out, this.verdict(n, 'verified', body)];
      }
      default:
        return [this.verdict(n, 'pending')];
    }
  }
}

export const fakeVerifier = (total = 0): Verifier & { streams: FakeStream[] } => {
  const streams: FakeStream[] = [];
  return {
    streams,
    newStream: (videoId) => {
      const s = new FakeStream(videoId, total);
      streams.push(s);
      return s;
    },
  };
};
