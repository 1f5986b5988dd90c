import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Chat } from '../components/Chat';
import { KeyPin } from '../components/KeyPin';
import { Counters, PacketDetails, Timeline, verifiedUpTo } from '../components/Timeline';
import { getText, getVideo, publisherKeyId } from '../lib/api';
import { mmss } from '../lib/format';
import { usePoll } from '../lib/usePoll';
import { parsePlaylist } from '../player/playlist';
import { usePlayer } from '../player/usePlayer';

function isTyping(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'SUMMARY', 'A'].includes(t.tagName);
}

export function useKeyboard(video: HTMLVideoElement | null) {
  useEffect(() => {
    if (!video) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      const d = Number.isFinite(video.duration) ? video.duration : Infinity;
      switch (e.key) {
        case ' ':
        case 'k':
          if (video.paused) void video.play().catch(() => undefined);
          else video.pause();
          break;
        case 'ArrowLeft':
          video.currentTime = Math.max(0, video.currentTime - 5);
          break;
        case 'ArrowRight':
          video.currentTime = Math.min(d, video.currentTime + 5);
          break;
        case 'ArrowUp':
          video.volume = Math.min(1, video.volume + 0.1);
          video.muted = false;
          break;
        case 'ArrowDown':
          video.volume = Math.max(0, video.volume - 0.1);
          break;
        case 'm':
          video.muted = !video.muted;
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [video]);
}

export default function WatchPage() {
  const { id = '' } = useParams();
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [time, setTime] = useState(0);
  const meta = usePoll((signal) => getVideo(id, signal), 2000, `meta-${id}`);
  const complete = meta.data?.status === 'complete';
  const playlist = usePoll(
    (signal) => getText(`/videos/${encodeURIComponent(id)}/index.m3u8`, signal).then(parsePlaylist),
    complete ? 30000 : 2000,
    `pl-${id}-${complete}`,
  );
  const durations = playlist.data?.durations ?? new Map<number, number>();
  // A video the registry does not know is not polled for packets.
  const unknown = meta.error?.startsWith('404') ?? false;
  const player = usePlayer(id, complete ? (meta.data?.total_packets ?? 0) : 0, video, !unknown);
  useKeyboard(video);
  const videoRef = useCallback((el: HTMLVideoElement | null) => setVideo(el), []);

  const upTo = verifiedUpTo(player.cells, durations);
  const selectedCell = selected !== null ? player.cells[selected - 1] : undefined;
  const videoKey = upTo.keyIdHex ?? (publisherKeyId(meta.data?.publisher_key) || undefined);

  return (
    <div className="watch">
      <section className="player" aria-labelledby="video-title">
        <h1 id="video-title" className="video-title">
          {id}
        </h1>
        {meta.error && (
          <p role="alert" className="error">
            {meta.error}
          </p>
        )}
        <p className="muted">
          {meta.data ? `${meta.data.status} · ${mmss(meta.data.duration)}` : 'loading…'} · player:{' '}
          <span data-player-mode>{player.mode}</span> · <Link to="/">back to the library</Link>
        </p>
        <video
          ref={videoRef}
          className="video"
          controls
          muted
          autoPlay
          playsInline
          aria-label={`Video ${id}`}
          onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
        />
        <p className="muted small">Keys: space play/pause, ← → seek 5 s, ↑ ↓ volume, m mute.</p>
        {player.error && (
          <p role="alert" className="error" data-player-error>
            {player.error}
          </p>
        )}
        {player.stopped && (
          <p role="alert" className="error" data-player-stopped>
            {player.stopped}
          </p>
        )}
        <h2 className="sr-only">Integrity</h2>
        <p data-verified-upto aria-live="polite">
          Verified up to {mmss(upTo.seconds)}
          {upTo.keyIdHex ? (
            <>
              {' '}
              by {upTo.publisher ? (
                <>
                  publisher <strong data-verified-publisher>{upTo.publisher}</strong>,{' '}
                </>
              ) : null}
              key <code>{upTo.keyIdHex.slice(0, 16)}…</code>
            </>
          ) : null}
        </p>
        <Timeline
          cells={player.cells}
          durations={durations}
          currentTime={time}
          selected={selected}
          onSelect={(n) => setSelected((s) => (s === n ? null : n))}
        />
        <Counters cells={player.cells} />
        {selectedCell && (
          <PacketDetails
            cell={selectedCell}
            durations={durations}
            onSeek={(t) => {
              if (!video) return;
              video.currentTime = t;
              void video.play().catch(() => undefined);
            }}
          />
        )}
        <KeyPin videoKey={videoKey} trusted={player.keys} />
      </section>
      <Chat videoId={id} />
    </div>
  );
}
