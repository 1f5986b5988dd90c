// Test data for the verifier's tests and benchmark: keys and signed
// envelopes made by the `fog` binary itself (`fog keygen`, `fog packet sign`,
// `fog packet inspect`), and a few hand-built payloads (unsigned amortized
// packets, seed packets) encoded with the minimal msgpack writer below.
// Runs under node only.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');

// The published vectors: FOG_VECTORS_DIR, else ../shared/vectors beside the
// repository, as the C++ tests find them.
export const vectorsDir =
  process.env.FOG_VECTORS_DIR ?? path.resolve(repoRoot, '..', 'shared', 'vectors');

// The fog binary: FOG_BIN, else the default CMake build directory.
export function fogBinary(): string {
  const candidates = [
    process.env.FOG_BIN,
    path.join(repoRoot, 'build', 'src', 'cli', 'fog'),
  ].filter((c): c is string => typeof c === 'string');
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`fog binary not found (tried ${candidates.join(', ')}); build it or set FOG_BIN`);
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new Error('odd hex length');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; ++i) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// ---- msgpack: just what envelopes use (str keys; int, str, bin values) ----

export type MsgValue = number | string | Uint8Array;

function header(out: number[], n: number, small: number, b8: number | null, b16: number, b32: number, fixMax: number) {
  if (n <= fixMax) out.push(small | n);
  else if (b8 !== null && n < 0x100) out.push(b8, n);
  else if (n < 0x10000) out.push(b16, n >> 8, n & 0xff);
  else out.push(b32, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function packInt(out: number[], v: number) {
  if (!Number.isInteger(v) || v < 0) throw new Error('only non-negative integers');
  if (v < 0x80) out.push(v);
  else if (v < 0x100) out.push(0xcc, v);
  else if (v < 0x10000) out.push(0xcd, v >> 8, v & 0xff);
  else if (v < 0x100000000) out.push(0xce, (v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  else throw new Error('integer too large for this writer');
}

function packStr(out: number[], s: string) {
  const b = new TextEncoder().encode(s);
  header(out, b.length, 0xa0, 0xd9, 0xda, 0xdb, 31);
  for (const x of b) out.push(x);
}

export function encodeMap(entries: [string, MsgValue][]): Uint8Array {
  const out: number[] = [];
  header(out, entries.length, 0x80, null, 0xde, 0xdf, 15);
  const chunks: Uint8Array[] = [];
  for (const [k, v] of entries) {
    packStr(out, k);
    if (typeof v === 'number') packInt(out, v);
    else if (typeof v === 'string') packStr(out, v);
    else {
      if (v.length < 0x100) out.push(0xc4, v.length);
      else if (v.length < 0x10000) out.push(0xc5, v.length >> 8, v.length & 0xff);
      else out.push(0xc6, (v.length >>> 24) & 0xff, (v.length >>> 16) & 0xff, (v.length >>> 8) & 0xff, v.length & 0xff);
      chunks.push(Uint8Array.from(out), v);
      out.length = 0;
    }
  }
  chunks.push(Uint8Array.from(out));
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const result = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    result.set(c, at);
    at += c.length;
  }
  return result;
}

// Reads a map of str keys to int/str/bin values (what `fog packet sign` writes).
export function decodeMap(buf: Uint8Array): [string, MsgValue][] {
  let at = 0;
  const u = (n: number) => {
    let v = 0;
    for (let i = 0; i < n; ++i) v = v * 256 + (buf[at++] ?? 0);
    return v;
  };
  const value = (): MsgValue => {
    const t = buf[at++] ?? 0;
    if (t < 0x80) return t;
    if (t >= 0xa0 && t <= 0xbf) return str(t & 31);
    switch (t) {
      case 0xcc: return u(1);
      case 0xcd: return u(2);
      case 0xce: return u(4);
      case 0xcf: return u(8);
      case 0xd9: return str(u(1));
      case 0xda: return str(u(2));
      case 0xc4: return bin(u(1));
      case 0xc5: return bin(u(2));
      case 0xc6: return bin(u(4));
      default: throw new Error(`msgpack type 0x${t.toString(16)} not handled`);
    }
  };
  const str = (n: number) => {
    const s = new TextDecoder().decode(buf.subarray(at, at + n));
    at += n;
    return s;
  };
  const bin = (n: number) => {
    const b = buf.slice(at, at + n);
    at += n;
    return b;
  };
  const t = buf[at++] ?? 0;
  const n = t >= 0x80 && t <= 0x8f ? t & 15 : t === 0xde ? u(2) : -1;
  if (n < 0) throw new Error('not a map');
  const entries: [string, MsgValue][] = [];
  for (let i = 0; i < n; ++i) {
    const k = value();
    if (typeof k !== 'string') throw new Error('non-string key');
    entries.push([k, value()]);
  }
  return entries;
}

// ---- the fog CLI ----

export interface Publisher {
  keyFile: string;
  trustDir: string;
  publicKey: Uint8Array;
  keyIdHex: string;
  certFile?: string; // its certificate (`fog publisher add`), carried as "c"
}

export interface SignedPacket {
  number: number;
  data: Uint8Array;
  envelope: Uint8Array;
  linkHex: string; // from `fog packet inspect`
}

export class Fog {
  readonly bin = fogBinary();
  readonly dir = mkdtempSync(path.join(tmpdir(), 'fog-verify-'));
  private files = 0;

  run(args: string[], input?: Uint8Array): Buffer {
    return execFileSync(this.bin, args, { input, maxBuffer: 64 << 20 });
  }

  publisher(name: string): Publisher {
    const trustDir = path.join(this.dir, `${name}-trust`);
    execFileSync('mkdir', ['-p', trustDir]);
    const base = path.join(trustDir, name);
    this.run(['keygen', '--out', base]);
    const publicKey = new Uint8Array(readFileSync(`${base}.pub`));
    return { keyFile: `${base}.key`, trustDir, publicKey, keyIdHex: this.keyIdOf(base, trustDir) };
  }

  private keyIdOf(base: string, trustDir: string): string {
    const probe = this.sign({ keyFile: `${base}.key`, trustDir } as Publisher, 'probe', 1, 1, new Uint8Array(1));
    const fields = new Map(decodeMap(probe.envelope));
    const k = fields.get('k');
    if (!(k instanceof Uint8Array)) throw new Error('no key id in a signed envelope');
    return Array.from(k, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // One signed envelope (per-packet mode: the signature covers this packet).
  sign(pub: Publisher, videoId: string, n: number, total: number, data: Uint8Array, prevHex?: string): SignedPacket {
    const file = path.join(this.dir, `data-${this.files++}`);
    writeFileSync(file, data);
    const args = ['packet', 'sign', '--key', pub.keyFile, '--video-id', videoId, '--number', `${n}`, '--total', `${total}`];
    if (prevHex) args.push('--prev', prevHex);
    if (pub.certFile) args.push('--cert', pub.certFile);
    args.push(file);
    const envelope = new Uint8Array(this.run(args));
    return { number: n, data, envelope, linkHex: this.inspect(envelope, pub.trustDir).link as string };
  }

  inspect(envelope: Uint8Array, trustDir: string): Record<string, unknown> {
    const file = path.join(this.dir, `env-${this.files++}`);
    writeFileSync(file, envelope);
    try {
      return JSON.parse(this.run(['packet', 'inspect', file, '--trust', trustDir]).toString()) as Record<string, unknown>;
    } catch (e) {
      const out = (e as { stdout?: Buffer }).stdout;
      if (out) return JSON.parse(out.toString()) as Record<string, unknown>;
      throw e;
    }
  }

  // A certified publisher of the fog directory `fogDir`, made by `fog
  // publisher add NAME ...extra` (which makes the fog key on first use).
  certifiedPublisher(fogDir: string, name: string, extra: string[] = []): Publisher {
    this.run(['publisher', 'add', name, '--dir', fogDir, ...extra]);
    const base = path.join(fogDir, 'publishers', name);
    return {
      keyFile: `${base}.key`,
      trustDir: path.join(fogDir, 'trust'),
      publicKey: new Uint8Array(readFileSync(`${base}.pub`)),
      keyIdHex: '',
      certFile: `${base}.cert`,
    };
  }

  // The fog key of `fogDir` as the API serves it; its id read from one of
  // its certificates ("i", the issuer).
  authority(fogDir: string, certFile: string): { keyIdHex: string; publicKey: Uint8Array } {
    const issuer = new Map(decodeMap(new Uint8Array(readFileSync(certFile)))).get('i');
    if (!(issuer instanceof Uint8Array)) throw new Error('no issuer in a certificate');
    return {
      keyIdHex: Array.from(issuer, (b) => b.toString(16).padStart(2, '0')).join(''),
      publicKey: new Uint8Array(readFileSync(path.join(fogDir, 'trust', 'fog-ca.authority'))),
    };
  }

  // A per-packet signed stream of `sizes.length` packets.
  stream(pub: Publisher, videoId: string, sizes: number[]): SignedPacket[] {
    const out: SignedPacket[] = [];
    let prev: string | undefined;
    sizes.forEach((size, i) => {
      const p = this.sign(pub, videoId, i + 1, sizes.length, patterned(size, i + 1), prev);
      prev = p.linkHex;
      out.push(p);
    });
    return out;
  }

  // An amortized-mode segment: packets 1..n-1 unsigned, n signed with f = 1.
  // The closing signature is made by `fog packet sign` over link_n, whose
  // chain the fog binary computes (it signs packets 1..n-1 too, only to
  // learn their links), then "p" is set to the segment's start and "f" added.
  amortized(pub: Publisher, videoId: string, sizes: number[]): Uint8Array[] {
    const signed = this.stream(pub, videoId, sizes);
    const total = sizes.length;
    const envelopes = signed.slice(0, -1).map((p) => unsignedEnvelope(videoId, p.number, total, p.data));
    const last = signed[signed.length - 1];
    if (!last) throw new Error('empty segment');
    const fields = new Map(decodeMap(last.envelope));
    const closing = encodeMap([
      ['video_id', videoId],
      ['packet_number', total],
      ['total_packets', total],
      ['data', last.data],
      ['v', 1],
      ['d', fields.get('d') as Uint8Array],
      ['p', new Uint8Array(72)],
      ['f', 1],
      ['k', fields.get('k') as Uint8Array],
      ['s', fields.get('s') as Uint8Array],
    ]);
    envelopes.push(closing);
    return envelopes;
  }
}

export function unsignedEnvelope(videoId: string, n: number, total: number, data: Uint8Array): Uint8Array {
  return encodeMap([
    ['video_id', videoId],
    ['packet_number', n],
    ['total_packets', total],
    ['data', data],
    ['v', 1],
  ]);
}

// Deterministic, distinct bytes per packet.
export function patterned(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < size; ++i) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

// Rewrites one field of an envelope (everything else byte for byte kept).
export function withField(envelope: Uint8Array, key: string, value: MsgValue): Uint8Array {
  return encodeMap(decodeMap(envelope).map(([k, v]) => [k, k === key ? value : v]));
}
