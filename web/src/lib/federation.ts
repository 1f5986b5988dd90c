// The federation as GET /fog shows it (docs/federation.md, "Status and
// metrics"), made safe to render: the status is relayed from `fog
// federation`, and names and ids in it come from other fogs, so every field
// is checked and anything malformed is left out rather than shown.

import type { FederationPeer, FederationVideo } from './api';

/** Videos the dashboard lists; the library's federation scope lists them all. */
export const DASHBOARD_VIDEOS = 50;

export type Federation =
  /** No federation object: no `fog federation` component, or an older fog. */
  | { kind: 'none' }
  /** The component's last will: it stopped (or lost its broker). */
  | { kind: 'offline'; name: string }
  | { kind: 'online'; name: string; peers: FederationPeer[]; videos: FederationVideo[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : -1);

function peerOf(v: unknown): FederationPeer | null {
  if (!isObject(v) || typeof v.name !== 'string' || !v.name) return null;
  return {
    name: v.name,
    address: str(v.address),
    connected: v.connected === true,
    rtt_ms: num(v.rtt_ms),
    last_heard_ms_ago: num(v.last_heard_ms_ago),
    videos: num(v.videos),
  };
}

export function videoOf(v: unknown): FederationVideo | null {
  if (!isObject(v) || typeof v.video_id !== 'string' || !v.video_id) return null;
  return {
    video_id: v.video_id,
    status: str(v.status),
    packets: Math.max(0, num(v.packets)),
    total_packets: Math.max(0, num(v.total_packets)),
    publisher_key: str(v.publisher_key),
    fogs: Array.isArray(v.fogs) ? v.fogs.filter((f): f is string => typeof f === 'string') : [],
  };
}

function listOf<T>(v: unknown, of: (x: unknown) => T | null): T[] {
  if (!Array.isArray(v)) return [];
  return v.map(of).filter((x): x is T => x !== null);
}

/** GET /fog's `federation` member (any value) as what the page shows. */
export function federationOf(v: unknown): Federation {
  if (!isObject(v)) return { kind: 'none' };
  const name = str(v.name);
  if (v.state === 'offline') return { kind: 'offline', name };
  return {
    kind: 'online',
    name,
    peers: listOf(v.peers, peerOf).sort((a, b) => a.name.localeCompare(b.name)),
    videos: listOf(v.videos, videoOf),
  };
}

/** GET /videos?scope=federation's answer, malformed entries left out. */
export const federationVideosOf = (v: unknown): FederationVideo[] => listOf(v, videoOf);

/** "12.3 ms"; "–" before the first answer. */
export function rttText(ms: number | undefined): string {
  if (ms === undefined || ms < 0) return '–';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** "0.4 s ago", "3 min ago"; "never" when the peer was never heard. */
export function agoText(ms: number | undefined): string {
  if (ms === undefined || ms < 0) return 'never';
  if (ms < 10000) return `${(ms / 1000).toFixed(1)} s ago`;
  if (ms < 120000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 7200000) return `${Math.round(ms / 60000)} min ago`;
  return `${Math.round(ms / 3600000)} h ago`;
}
