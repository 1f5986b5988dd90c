// The packet verifier of the player: the project's own C++ (envelope
// decoding, SIS digest, chain, ML-DSA, publisher certificates; src/wasm/)
// compiled to WebAssembly by web/wasm/build.sh. This file only moves bytes in
// and out of the module; it computes nothing itself.
//
// Feed the packets of one video in number order; each push returns the
// verdicts it settled. In amortized mode an unsigned packet is first
// reported 'pending' and reported again, final, when the signature closing
// its segment arrives (or 'unsigned' when none can: a gap, the end of the
// stream, a segment longer than the verifier holds). Only a 'verified'
// verdict carries the packet's media bytes.
//
// Trust: bare publisher keys, and fog keys (authorities) that vouch for
// publishers through the certificate a signed packet carries. The module
// checks a certificate as a worker does (src/trust/certificate_authority.h)
// against the browser's clock and the signed revocation lists it was given;
// a verified verdict then names the publisher.
import createFogVerify, {
  type FogVerifyModule,
  type FogVerifyOptions,
} from './generated/fog_verify.mjs';

export type PacketStatus = 'verified' | 'invalid' | 'unsigned' | 'pending';

// Stable reason strings (src/wasm/stream_verifier.h).
export const Reasons = {
  malformed: 'malformed',
  reordered: 'reordered',
  wrongVideo: 'wrong video id',
  digest: 'digest mismatch',
  unknownKey: 'unknown key',
  badSignature: 'bad signature',
  chainBreak: 'chain break',
  notCovered: 'no signature covers this packet',
  segmentGap: 'segment lacks a packet',
  segmentTooLong: 'segment too long',
  legacy: 'legacy format',
  // Certificate refusals: the workers' codes (docs/security.md).
  badCertificate: 'bad-certificate',
  unknownAuthority: 'unknown-authority',
  revoked: 'revoked',
  notYetValid: 'not-yet-valid',
  expired: 'expired',
  outsidePrefix: 'outside-prefix',
} as const;

export interface PacketVerdict {
  index: number; // packet_number
  status: PacketStatus; // 'pending' = unsigned packet awaiting the signature that covers it
  reason?: string; // set when invalid or unsigned (one of Reasons)
  detail?: string; // a longer explanation of the reason
  videoId: string;
  totalPackets: number;
  keyIdHex?: string; // signer key id (signed packets and the packets they cover)
  digestHex: string; // SIS digest of data (144 hex); '' when the payload did not decode
  linkHex: string; // this packet's chain link; '' until known
  prevLinkHex?: string; // "p" of a signed packet
  publisher?: string; // the certificate's publisher name, once the certificate checked out
  media?: Uint8Array; // the packet's data; ONLY present when status === 'verified'
}

export interface StreamVerifier {
  // Feed packets of one video in order (1, 2, 3, ...). Returns the verdicts
  // that became final with this packet (an amortized signature can settle
  // earlier 'pending' packets at once), plus 'pending' for a packet that
  // now waits for its signature.
  push(packetNumber: number, envelope: Uint8Array): PacketVerdict[];
  // The stream ended: every packet still pending becomes 'unsigned'.
  finish(): PacketVerdict[];
  // Frees the module memory of this stream; the object is unusable after.
  dispose(): void;
  // Revocation lists the stream refused (does not decode, unknown fog key,
  // bad signature), one line each; their serials are not applied.
  readonly refusedRevocations: string[];
}

export interface TrustedKey {
  keyIdHex: string;
  publicKey: Uint8Array;
}

// What certificates are checked against, besides the bare keys.
export interface CertificateTrust {
  // Fog keys (GET /keys "authorities") that issue publisher certificates.
  authorities?: TrustedKey[];
  // Signed revocation lists (GET /keys "revocations"), checked here.
  revocations?: Uint8Array[];
  // The time certificates are checked at (unix seconds); absent: the
  // browser's clock at each packet.
  nowSeconds?: number;
}

export interface DecodedEnvelope {
  ok: boolean;
  error?: string;
  videoId?: string;
  packetNumber?: number;
  totalPackets?: number;
  dataBytes?: number;
  signed?: boolean;
  digestHex?: string;
  prevLinkHex?: string;
  first?: number;
  keyIdHex?: string;
  signatureBytes?: number;
}

export interface Verifier {
  newStream(videoId: string, trustedKeys: TrustedKey[], trust?: CertificateTrust): StreamVerifier;
  // The primitives, for tests, tools and benchmarks.
  sisDigest(data: Uint8Array): Uint8Array;
  swifftCompress(input: Uint8Array): Uint8Array;
  chainLink(
    videoId: string,
    packetNumber: number,
    totalPackets: number,
    digest: Uint8Array,
    prevLink: Uint8Array,
  ): Uint8Array;
  verifyMlDsa44(
    publicKey: Uint8Array,
    message: Uint8Array,
    context: Uint8Array,
    signature: Uint8Array,
  ): boolean;
  decodeEnvelope(payload: Uint8Array): DecodedEnvelope;
}

export interface LoadOptions {
  // The module's bytes; when absent they are read from disk under node and
  // fetched (streaming compile) in a browser.
  wasmBinary?: ArrayBuffer | Uint8Array;
}

const kDigestBytes = 72;
const kKeyIdBytes = 16;

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

interface RawVerdict {
  index: number;
  status: PacketStatus;
  reason: string;
  detail: string;
  totalPackets: number;
  keyIdHex: string;
  digestHex: string;
  linkHex: string;
  prevLinkHex: string;
  publisher: string;
  mediaPtr?: number;
  mediaLen?: number;
}

class Wasm {
  constructor(readonly m: FogVerifyModule) {}

  // Copies `bytes` into module memory for the duration of `fn`.
  with<T>(bytes: Uint8Array, fn: (ptr: number) => T): T {
    const ptr = this.m._fog_alloc(bytes.length);
    if (ptr === 0) throw new Error('verifier: out of module memory');
    try {
      this.m.HEAPU8.set(bytes, ptr);
      return fn(ptr);
    } finally {
      this.m._fog_free(ptr);
    }
  }

  // Runs `fn` with an output buffer of `n` bytes and returns a copy of it.
  out(n: number, fn: (ptr: number) => void): Uint8Array {
    return this.with(new Uint8Array(n), (ptr) => {
      fn(ptr);
      return this.m.HEAPU8.slice(ptr, ptr + n);
    });
  }
}

const encoder = new TextEncoder();

class WasmStream implements StreamVerifier {
  private handle: number;
  readonly refusedRevocations: string[] = [];

  constructor(
    private readonly w: Wasm,
    private readonly videoId: string,
    trustedKeys: TrustedKey[],
    trust: CertificateTrust = {},
  ) {
    this.handle = w.with(encoder.encode(videoId), (p) =>
      w.m._fog_stream_new(p, encoder.encode(videoId).length),
    );
    for (const key of trustedKeys) this.addKey(key, 'key', w.m._fog_stream_add_key);
    for (const key of trust.authorities ?? []) this.addKey(key, 'fog key', w.m._fog_stream_add_authority);
    trust.revocations?.forEach((list, i) => {
      const rc = w.with(list, (p) => w.m._fog_stream_add_revocations(this.handle, p, list.length));
      if (rc < 0) {
        this.refusedRevocations.push(
          `revocation list ${i + 1}: ${w.m.UTF8ToString(w.m._fog_stream_error(this.handle))}`,
        );
      }
    });
    if (trust.nowSeconds !== undefined) w.m._fog_stream_set_now(this.handle, trust.nowSeconds);
  }

  private addKey(
    key: TrustedKey,
    what: string,
    add: (stream: number, pk: number, len: number, keyIdOut: number) => number,
  ): void {
    const w = this.w;
    let rc = 0;
    const id = w.out(kKeyIdBytes, (out) => {
      rc = w.with(key.publicKey, (pk) => add(this.handle, pk, key.publicKey.length, out));
    });
    if (rc !== 0) {
      this.dispose();
      throw new Error(`verifier: ${what} ${key.keyIdHex} is not an ML-DSA public key`);
    }
    if (toHex(id) !== key.keyIdHex.toLowerCase()) {
      this.dispose();
      throw new Error(`verifier: ${what}'s public key has id ${toHex(id)}, not ${key.keyIdHex}`);
    }
  }

  push(packetNumber: number, envelope: Uint8Array): PacketVerdict[] {
    const h = this.live();
    return this.w.with(envelope, (p) =>
      this.read(this.w.m._fog_stream_push(h, packetNumber, p, envelope.length)),
    );
  }

  finish(): PacketVerdict[] {
    return this.read(this.w.m._fog_stream_finish(this.live()));
  }

  dispose(): void {
    if (this.handle !== 0) this.w.m._fog_stream_delete(this.handle);
    this.handle = 0;
  }

  private live(): number {
    if (this.handle === 0) throw new Error('verifier: stream already disposed');
    return this.handle;
  }

  // Parses the module's JSON report; media is copied out before the next call.
  private read(jsonPtr: number): PacketVerdict[] {
    const raw = JSON.parse(this.w.m.UTF8ToString(jsonPtr)) as RawVerdict[];
    return raw.map((r) => {
      const v: PacketVerdict = {
        index: r.index,
        status: r.status,
        videoId: this.videoId,
        totalPackets: r.totalPackets,
        digestHex: r.digestHex,
        linkHex: r.linkHex,
      };
      if (r.reason) v.reason = r.reason;
      if (r.detail) v.detail = r.detail;
      if (r.keyIdHex) v.keyIdHex = r.keyIdHex;
      if (r.prevLinkHex) v.prevLinkHex = r.prevLinkHex;
      if (r.publisher) v.publisher = r.publisher;
      if (r.status === 'verified' && r.mediaPtr !== undefined && r.mediaLen !== undefined) {
        v.media = this.w.m.HEAPU8.slice(r.mediaPtr, r.mediaPtr + r.mediaLen);
      }
      return v;
    });
  }
}

class WasmVerifier implements Verifier {
  constructor(private readonly w: Wasm) {}

  newStream(videoId: string, trustedKeys: TrustedKey[], trust?: CertificateTrust): StreamVerifier {
    return new WasmStream(this.w, videoId, trustedKeys, trust);
  }

  sisDigest(data: Uint8Array): Uint8Array {
    return this.w.out(kDigestBytes, (out) =>
      this.w.with(data, (p) => this.w.m._fog_sis_digest(p, data.length, out)),
    );
  }

  swifftCompress(input: Uint8Array): Uint8Array {
    if (input.length !== 128) throw new Error('verifier: SWIFFT takes 128 bytes');
    return this.w.out(kDigestBytes, (out) =>
      this.w.with(input, (p) => this.w.m._fog_swifft_compress(p, out)),
    );
  }

  chainLink(
    videoId: string,
    packetNumber: number,
    totalPackets: number,
    digest: Uint8Array,
    prevLink: Uint8Array,
  ): Uint8Array {
    if (digest.length !== kDigestBytes || prevLink.length !== kDigestBytes) {
      throw new Error('verifier: digest and link are 72 bytes');
    }
    const id = encoder.encode(videoId);
    let rc = 0;
    const link = this.w.out(kDigestBytes, (out) =>
      this.w.with(id, (pid) =>
        this.w.with(digest, (pd) =>
          this.w.with(prevLink, (pp) => {
            rc = this.w.m._fog_chain_link(pid, id.length, packetNumber, totalPackets, pd, pp, out);
          }),
        ),
      ),
    );
    if (rc !== 0) throw new Error('verifier: packet numbers are integers in 0..2^53');
    return link;
  }

  verifyMlDsa44(
    publicKey: Uint8Array,
    message: Uint8Array,
    context: Uint8Array,
    signature: Uint8Array,
  ): boolean {
    const w = this.w;
    return w.with(publicKey, (pk) =>
      w.with(message, (msg) =>
        w.with(context, (ctx) =>
          w.with(signature, (sig) =>
            w.m._fog_mldsa44_verify(
              pk,
              publicKey.length,
              msg,
              message.length,
              ctx,
              context.length,
              sig,
              signature.length,
            ),
          ),
        ),
      ),
    ) === 1;
  }

  decodeEnvelope(payload: Uint8Array): DecodedEnvelope {
    return this.w.with(payload, (p) =>
      JSON.parse(this.w.m.UTF8ToString(this.w.m._fog_envelope_decode(p, payload.length))),
    ) as DecodedEnvelope;
  }
}

const wasmUrl = new URL('./generated/fog_verify.wasm', import.meta.url);

function runsInNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

let loading: Promise<Verifier> | undefined;

// Loads the module once; later calls share it.
export function loadVerifier(options: LoadOptions = {}): Promise<Verifier> {
  loading ??= (async () => {
    const moduleOptions: FogVerifyOptions = {};
    if (options.wasmBinary) {
      moduleOptions.wasmBinary = options.wasmBinary;
    } else if (runsInNode() && wasmUrl.protocol === 'file:') {
      // Emscripten's ES6 output cannot read files under node: hand it the bytes.
      const fsName = 'node:fs/promises';
      const fs = (await import(/* @vite-ignore */ fsName)) as {
        readFile(u: URL): Promise<Uint8Array>;
      };
      moduleOptions.wasmBinary = await fs.readFile(wasmUrl);
    } else {
      moduleOptions.locateFile = () => wasmUrl.href;
    }
    return new WasmVerifier(new Wasm(await createFogVerify(moduleOptions)));
  })();
  loading.catch(() => {
    loading = undefined; // a failed load may be retried
  });
  return loading;
}
