import { useState } from 'react';
import type { KeyInfo } from '../lib/api';
import { KEYS, load, save } from '../lib/storage';

/** True when the video's key id (full or a prefix the registry reports) is the pinned one. */
export function sameKey(pinned: string, videoKey: string): boolean {
  const a = pinned.toLowerCase();
  const b = videoKey.toLowerCase().replace(/…$/, '');
  return a.length > 0 && b.length > 0 && (a.startsWith(b) || b.startsWith(a));
}

export function KeyPin({ videoKey, trusted }: { videoKey: string | undefined; trusted: KeyInfo[] | undefined }) {
  const [pinned, setPinned] = useState<string | null>(() => load(KEYS.pinnedKey));
  const pin = (k: string | null) => {
    save(KEYS.pinnedKey, k);
    setPinned(k);
  };
  const fullKey = videoKey ? (trusted?.find((k) => sameKey(k.key_id, videoKey))?.key_id ?? videoKey) : undefined;
  const mismatch = pinned && fullKey && !sameKey(pinned, fullKey);
  return (
    <section className="keypin" aria-label="Publisher key">
      <p>
        Signed by key <code data-video-key>{fullKey ?? 'not known yet'}</code>
        {pinned && !mismatch && fullKey && <span className="ok"> (pinned)</span>}
      </p>
      {mismatch && (
        <p role="alert" className="warn" data-key-warning>
          This video is signed by key {fullKey}, not by your pinned key {pinned}.
        </p>
      )}
      <div className="row">
        {fullKey && pinned !== fullKey && (
          <button type="button" onClick={() => pin(fullKey)}>
            {pinned ? 'Change pin to this key' : 'Pin this key'}
          </button>
        )}
        {pinned && (
          <button type="button" onClick={() => pin(null)}>
            Unpin {pinned.slice(0, 8)}…
          </button>
        )}
      </div>
      {trusted && (
        <details>
          <summary>Keys this fog trusts ({trusted.length})</summary>
          <ul>
            {trusted.map((k) => (
              <li key={k.key_id}>
                <code>{k.key_id}</code> {k.algorithm}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
