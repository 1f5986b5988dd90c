import { Link } from 'react-router';
import type { FederationVideo } from '../lib/api';
import { agoText, DASHBOARD_VIDEOS, rttText, type Federation } from '../lib/federation';

/**
 * Videos of the federation and the fogs holding each. Every one links to
 * this fog's player: a video held elsewhere is fetched through this fog.
 */
export function FederationVideoTable({ videos, limit, caption }: { videos: FederationVideo[]; limit?: number; caption: string }) {
  const shown = limit !== undefined ? videos.slice(0, limit) : videos;
  return (
    <table className="workers federation-videos">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Video</th>
          <th scope="col">Status</th>
          <th scope="col">Packets</th>
          <th scope="col">Held by</th>
        </tr>
      </thead>
      <tbody>
        {videos.length === 0 && (
          <tr>
            <td colSpan={4}>No fog of the federation holds a video yet.</td>
          </tr>
        )}
        {shown.map((v) => (
          <tr key={v.video_id} data-federation-video={v.video_id} data-fogs={v.fogs.join(',')}>
            <th scope="row">
              <Link to={`/watch/${encodeURIComponent(v.video_id)}`}>{v.video_id}</Link>
            </th>
            <td data-field="status">{v.status || '–'}</td>
            <td data-field="packets">
              {v.packets} of {v.total_packets > 0 ? v.total_packets : '?'}
            </td>
            <td data-field="fogs">{v.fogs.length > 0 ? v.fogs.join(', ') : '–'}</td>
          </tr>
        ))}
        {shown.length < videos.length && (
          <tr>
            <td colSpan={4} className="muted">
              and {videos.length - shown.length} more: <Link to="/?scope=federation">all in the library</Link>
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** The dashboard's Federation panel: this fog, its peers' links and the federation's videos. */
export function FederationPanel({ federation }: { federation: Federation | undefined }) {
  return (
    <section aria-labelledby="federation-title" className="federation" data-federation={federation?.kind ?? 'loading'}>
      <h2 id="federation-title">Federation</h2>
      {!federation && <p className="muted">…</p>}
      {federation?.kind === 'none' && (
        <p className="muted" data-federation-none>
          Not federated: this fog runs no federation component (<code>fog up --peer</code>), or its API does not report one.
        </p>
      )}
      {federation?.kind === 'offline' && (
        <p data-fog-name={federation.name}>
          This fog{federation.name ? <> (<strong>{federation.name}</strong>)</> : null}:{' '}
          <span className="badge badge-offline">offline</span> the federation component has stopped.
        </p>
      )}
      {federation?.kind === 'online' && (
        <>
          <p data-fog-name={federation.name}>
            This fog: <strong>{federation.name || '–'}</strong>
          </p>
          <table className="workers peers">
            <caption>Peers</caption>
            <thead>
              <tr>
                <th scope="col">Peer</th>
                <th scope="col">Address</th>
                <th scope="col">Link</th>
                <th scope="col">RTT</th>
                <th scope="col">Last heard</th>
                <th scope="col">Videos</th>
              </tr>
            </thead>
            <tbody>
              {federation.peers.length === 0 && (
                <tr>
                  <td colSpan={6}>No peer is linked.</td>
                </tr>
              )}
              {federation.peers.map((p) => {
                const state = p.connected ? 'connected' : 'down';
                return (
                  <tr key={p.name} data-peer={p.name} data-state={state}>
                    <th scope="row">{p.name}</th>
                    <td data-field="address">
                      <code>{p.address || '–'}</code>
                    </td>
                    <td data-field="state">
                      <span className={`badge badge-${p.connected ? 'online' : 'offline'}`}>{state}</span>
                    </td>
                    <td data-field="rtt" data-value={p.rtt_ms !== undefined && p.rtt_ms >= 0 ? p.rtt_ms : ''}>
                      {rttText(p.rtt_ms)}
                    </td>
                    <td data-field="last-heard">{agoText(p.last_heard_ms_ago)}</td>
                    <td data-field="videos">{p.videos !== undefined && p.videos >= 0 ? p.videos : '–'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <FederationVideoTable videos={federation.videos} limit={DASHBOARD_VIDEOS} caption="Videos of the federation" />
        </>
      )}
    </section>
  );
}
