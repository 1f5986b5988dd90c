// The verifier's API as the UI uses it (the contract of src/verify/verifier.ts).
// Declared here too so the player compiles and its tests run against a fake
// without the WebAssembly build; the real module's types are the same shape.

export type PacketStatus = 'verified' | 'invalid' | 'unsigned' | 'pending';

export interface PacketVerdict {
  index: number;
  status: PacketStatus;
  reason?: string;
  videoId: string;
  totalPackets: number;
  keyIdHex?: string;
  digestHex: string;
  linkHex: string;
  prevLinkHex?: string;
  media?: Uint8Array;
}

export interface StreamVerifier {
  push(packetNumber: number, envelope: Uint8Array): PacketVerdict[];
}

export interface TrustedKey {
  keyIdHex: string;
  publicKey: Uint8Array;
}

export interface Verifier {
  newStream(videoId: string, trustedKeys: TrustedKey[]): StreamVerifier;
}

type VerifierModule = { loadVerifier: () => Promise<Verifier> };

// Resolved at build time: an empty map when the module is not there yet, so
// the UI builds and says so instead of failing to compile.
const modules = import.meta.glob<VerifierModule>('../verify/verifier.ts');

export async function loadVerifier(): Promise<Verifier> {
  const importer = modules['../verify/verifier.ts'];
  if (!importer) throw new Error('this build has no packet verifier (src/verify/verifier.ts)');
  const mod = await importer();
  return mod.loadVerifier();
}
