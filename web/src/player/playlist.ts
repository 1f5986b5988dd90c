// The API's HLS playlist (docs/api.md, HLS playback): `#EXT-X-MAP:URI="init.mp4"`
// is packet 1 and `N.m4s` is packet N. The timeline takes each packet's
// duration from its `#EXTINF`.

/** Packet number of a playlist URI (absolute or relative), or null. */
export function packetOfUri(uri: string): number | null {
  const path = uri.split(/[?#]/)[0] ?? '';
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === 'init.mp4') return 1;
  const m = /^([1-9][0-9]{0,15})\.m4s$/.exec(name);
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 2 && Number.isSafeInteger(n) ? n : null;
}

export interface Playlist {
  /** durations[n] = seconds of packet n (packets 2.. only). */
  durations: Map<number, number>;
  ended: boolean;
}

export function parsePlaylist(text: string): Playlist {
  const durations = new Map<number, number>();
  let pending: number | null = null;
  let ended = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) {
      const d = Number.parseFloat(line.slice(8));
      pending = Number.isFinite(d) && d >= 0 ? d : null;
    } else if (line === '#EXT-X-ENDLIST') {
      ended = true;
    } else if (line && !line.startsWith('#')) {
      const n = packetOfUri(line);
      if (n !== null && pending !== null) durations.set(n, pending);
      pending = null;
    }
  }
  return { durations, ended };
}

/** Start time (s) of each packet on the media timeline; packet 1 has none. */
export function startTimes(durations: Map<number, number>, upTo: number): number[] {
  const starts: number[] = [];
  let t = 0;
  for (let n = 2; n <= upTo; n++) {
    starts[n] = t;
    t += durations.get(n) ?? 0;
  }
  return starts;
}
