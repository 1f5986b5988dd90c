// Types and fetch helpers for the fog API (docs/api.md). Every function takes
// the same origin: the UI is served by `fog api`.

export interface VideoHolding {
  worker: string;
  packets: number;
  bytes: number;
}

export interface Video {
  ID: number;
  CreatedAt: string;
  UpdatedAt?: string;
  VideoID: string;
  /** Distinct packets the workers hold. */
  packets: number;
  /** Stored copies of them, over every worker. */
  copies?: number;
  bytes: number;
  total_packets: number;
  status: 'live' | 'complete' | string;
  publisher_key: string | null;
  authenticated: boolean;
  workers: VideoHolding[];
  duration: number | null;
}

export interface Component {
  name: string;
  state: string;
}

export interface WorkerStats {
  cpu?: number;
  cpus?: number;
  mem_used?: number;
  mem_limit?: number;
  mem_available?: number;
  free_storage?: number;
  storage_total?: number;
  store_bytes?: number;
  store_packets?: number;
  seq?: number;
  [k: string]: unknown;
}

/** One linked fog, as `fog federation` sees it (docs/federation.md). */
export interface FederationPeer {
  name: string;
  /** host:port of the peer's broker. */
  address: string;
  connected: boolean;
  /** Round trip of the last ping; -1 (or absent) before the first answer. */
  rtt_ms?: number;
  /** -1 (or absent) when never heard. */
  last_heard_ms_ago?: number;
  /** Videos in its catalog. */
  videos?: number;
}

/** One video of the federation and the fogs that hold it. */
export interface FederationVideo {
  video_id: string;
  status: string;
  packets: number;
  total_packets: number;
  publisher_key: string;
  fogs: string[];
}

/**
 * The federation component's retained status. An offline one (its last
 * will) carries only role, state and name.
 */
export interface FederationView {
  role?: string;
  state?: string;
  name?: string;
  peers?: FederationPeer[];
  videos?: FederationVideo[];
}

export interface FogView {
  status: string;
  components: Component[];
  workers: Record<string, { state: string; stats: WorkerStats | null }>;
  policy: {
    weights?: Record<string, number>;
    model?: string;
    round?: number;
    period_ms?: number;
    [k: string]: unknown;
  } | null;
  /** Null or absent: no federation component (or an older fog). */
  federation?: FederationView | null;
}

export interface KeyInfo {
  key_id: string;
  algorithm: string;
  public_key: string;
}

export interface UiConfig {
  mqtt_ws_url: string;
  username: string;
  password: string;
  chat_topic_prefix: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function errorOf(res: Response): Promise<HttpError> {
  let msg = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === 'string') msg = `${res.status}: ${body.error}`;
  } catch {
    // not JSON: keep the status line
  }
  return new HttpError(res.status, msg);
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, cache: 'no-store' });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

export const videoPath = (id: string) => `/videos/${encodeURIComponent(id)}`;

export function listVideos(limit: number, offset: number, signal?: AbortSignal) {
  return getJson<Video[]>(`/videos?limit=${limit}&offset=${offset}`, signal);
}

/** GET /videos?scope=federation: 503 until the federation's first status. */
export function listFederationVideos(signal?: AbortSignal) {
  return getJson<FederationVideo[]>('/videos?scope=federation', signal);
}

export const getVideo = (id: string, signal?: AbortSignal) => getJson<Video>(videoPath(id), signal);
export const getFog = (signal?: AbortSignal) => getJson<FogView>('/fog', signal);
/**
 * GET /keys: the bare publisher keys, the fog keys that issue publisher
 * certificates and the signed revocation lists (base64; the verifier checks
 * their signatures). Older APIs send only `keys`.
 */
export interface TrustInfo {
  keys: KeyInfo[];
  authorities?: KeyInfo[];
  revocations?: string[];
}
export const getTrust = (signal?: AbortSignal) => getJson<TrustInfo>('/keys', signal);
export const getKeys = (signal?: AbortSignal) => getTrust(signal).then((k) => k.keys);
export const getUiConfig = (signal?: AbortSignal) => getJson<UiConfig>('/ui-config', signal);

export async function getText(url: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(url, { signal, cache: 'no-store' });
  if (!res.ok) throw await errorOf(res);
  return res.text();
}

/** "mldsa44:9a0b…" → "9a0b…"; the key id the registry reports. */
export function publisherKeyId(publisherKey: string | null | undefined): string {
  if (!publisherKey) return '';
  const i = publisherKey.indexOf(':');
  return i >= 0 ? publisherKey.slice(i + 1) : publisherKey;
}
