import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { publisherKeyId, videoPath, type Video } from '../lib/api';
import { dateTime, mmss, shortHex } from '../lib/format';

/** Copies per packet held, from the registry's distinct packets and stored copies. */
export function copiesOf(v: Video): string {
  if (typeof v.copies === 'number' && v.packets > 0) return (v.copies / v.packets).toFixed(1);
  return '–';
}

function Poster({ id }: { id: string }) {
  const [failed, setFailed] = useState(0);
  const [retry, setRetry] = useState(0);
  // A poster answers 503 until the first fragment is verified: try again a
  // few times, a few seconds apart.
  useEffect(() => {
    if (failed === 0 || failed > 5) return;
    const t = setTimeout(() => setRetry((r) => r + 1), 3000);
    return () => clearTimeout(t);
  }, [failed]);
  if (failed > 0 && retry < failed) {
    return <div className="poster poster-missing" aria-hidden="true">no poster yet</div>;
  }
  return (
    <img
      key={retry}
      className="poster"
      src={`${videoPath(id)}/poster.jpg`}
      alt=""
      loading="lazy"
      width={320}
      height={180}
      onError={() => setFailed((f) => f + 1)}
    />
  );
}

export function VideoCard({ video }: { video: Video }) {
  const status = video.status === 'complete' ? 'complete' : 'live';
  const keyId = publisherKeyId(video.publisher_key);
  return (
    <li className="card" data-video-id={video.VideoID} data-status={status}>
      <Link to={`/watch/${encodeURIComponent(video.VideoID)}`} className="card-link">
        <Poster id={video.VideoID} />
        <span className="card-title">{video.VideoID}</span>
      </Link>
      <span className={`badge badge-${status}`}>{status}</span>
      <dl className="facts">
        <dt>Duration</dt>
        <dd data-field="duration">{mmss(video.duration)}</dd>
        <dt>Packets</dt>
        <dd data-field="packets">
          {video.packets} of {video.total_packets > 0 ? video.total_packets : '?'}
        </dd>
        <dt>Copies</dt>
        <dd data-field="copies">
          {copiesOf(video)} on {video.workers.length} worker{video.workers.length === 1 ? '' : 's'}
        </dd>
        <dt>Key</dt>
        <dd data-field="key" title={keyId}>
          <code>{keyId ? shortHex(keyId, 12) : 'unsigned'}</code>
        </dd>
        <dt>Created</dt>
        <dd data-field="created">
          <time dateTime={video.CreatedAt}>{dateTime(video.CreatedAt)}</time>
        </dd>
      </dl>
    </li>
  );
}
