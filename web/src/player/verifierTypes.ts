// The part of the verifier's API (src/verify/verifier.ts) the player uses.
// The player's tests run against a small fake of this interface; the real
// verifier is tested on the shared vectors beside its module.

export type PacketStatus = 'verified' | 'invalid' | 'unsigned' | 'pending';

export interface PacketVerdict {
  index: number;
  status: PacketStatus;
  reason?: string;
  /** A longer explanation of the reason. */
  detail?: string;
  videoId: string;
  totalPackets: number;
  keyIdHex?: string;
  digestHex: string;
  linkHex: string;
  prevLinkHex?: string;
  /** The certificate's publisher name, once the certificate checked out. */
  publisher?: string;
  media?: Uint8Array;
}

export interface StreamVerifier {
  push(packetNumber: number, envelope: Uint8Array): PacketVerdict[];
  /** The stream ended: every packet still pending becomes 'unsigned'. */
  finish?(): PacketVerdict[];
  /** Frees the stream's module memory. */
  dispose?(): void;
  /** Revocation lists the stream refused (bad signature, unknown fog key). */
  readonly refusedRevocations?: string[];
}

export interface TrustedKey {
  keyIdHex: string;
  publicKey: Uint8Array;
}

/** Fog keys that vouch for publishers, and their signed revocation lists. */
export interface CertificateTrust {
  authorities?: TrustedKey[];
  revocations?: Uint8Array[];
}

export interface Verifier {
  newStream(videoId: string, trustedKeys: TrustedKey[], trust?: CertificateTrust): StreamVerifier;
}

/** Loads the WebAssembly verifier (src/verify/) once, in its own chunk. */
export async function loadVerifier(): Promise<Verifier> {
  const mod = await import('../verify/verifier');
  return mod.loadVerifier();
}
