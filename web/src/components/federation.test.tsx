import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { FogView } from '../lib/api';
import { agoText, DASHBOARD_VIDEOS, federationOf, federationVideosOf, rttText, type Federation } from '../lib/federation';
// GET /fog of fog "b" (fog up --name b --peer <a's peer_uri>) with a video
// streamed into fog "a": a real answer, taken from two linked fogs.
import sample from '../test/fog-federated.json';
import { FederationPanel, FederationVideoTable } from './Federation';

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
const fogB = sample as unknown as FogView;

function panel(f: Federation | undefined) {
  return render(
    <MemoryRouter>
      <FederationPanel federation={f} />
    </MemoryRouter>,
  ).container;
}

describe('federationOf', () => {
  it('reads the real GET /fog answer of a linked fog', () => {
    const f = federationOf(fogB.federation);
    expect(f.kind).toBe('online');
    if (f.kind !== 'online') return;
    expect(f.name).toBe('b');
    expect(f.peers).toEqual([
      { name: 'a', address: '127.0.0.1:36191', connected: true, rtt_ms: 0, last_heard_ms_ago: 0.060424, videos: 1 },
    ]);
    expect(f.videos).toHaveLength(1);
    expect(f.videos[0]).toMatchObject({ video_id: 'cam-a-1', status: 'complete', packets: 3, total_packets: 3, fogs: ['a'] });
  });

  it('is "none" without a federation object (no federation component, an older fog)', () => {
    const { federation: _, ...older } = fogB;
    expect(federationOf((older as FogView).federation)).toEqual({ kind: 'none' });
    expect(federationOf(null)).toEqual({ kind: 'none' });
    expect(federationOf('federation')).toEqual({ kind: 'none' });
    expect(federationOf([])).toEqual({ kind: 'none' });
  });

  it('reads the real GET /videos?scope=federation answer', () => {
    const answer: unknown = JSON.parse('[{"fogs":["a"],"packets":3,"publisher_key":"d02bfd54d1db69f29ed2829f2040b1ed","status":"complete","total_packets":3,"video_id":"cam-a-1"}]');
    expect(federationVideosOf(answer)).toEqual([
      { video_id: 'cam-a-1', status: 'complete', packets: 3, total_packets: 3, publisher_key: 'd02bfd54d1db69f29ed2829f2040b1ed', fogs: ['a'] },
    ]);
  });

  it('is "offline" on the component\'s last will', () => {
    expect(federationOf({ role: 'federation', state: 'offline', name: 'b' })).toEqual({ kind: 'offline', name: 'b' });
  });

  it('leaves out malformed peers and videos, and sorts the peers', () => {
    const f = federationOf({
      name: 'b',
      state: 'online',
      peers: [{ name: 'c', connected: 'yes', rtt_ms: 'fast' }, 'x', null, { address: 'no name' }, { name: 'a', connected: true }],
      videos: [{}, 3, { video_id: 'v', fogs: ['a', 7, null] }, { video_id: '' }],
    });
    expect(f.kind).toBe('online');
    if (f.kind !== 'online') return;
    expect(f.peers.map((p) => [p.name, p.connected, p.rtt_ms])).toEqual([
      ['a', true, -1],
      ['c', false, -1],
    ]);
    expect(f.videos).toEqual([{ video_id: 'v', status: '', packets: 0, total_packets: 0, publisher_key: '', fogs: ['a'] }]);
    expect(federationOf({ name: 'b', peers: {}, videos: 'none' })).toEqual({ kind: 'online', name: 'b', peers: [], videos: [] });
    expect(federationVideosOf({ error: 'no' })).toEqual([]);
  });
});

describe('rttText and agoText', () => {
  it('say "–" and "never" before the first answer', () => {
    expect(rttText(-1)).toBe('–');
    expect(rttText(undefined)).toBe('–');
    expect(rttText(0)).toBe('0.0 ms');
    expect(rttText(2.345)).toBe('2.3 ms');
    expect(rttText(123.6)).toBe('124 ms');
    expect(agoText(-1)).toBe('never');
    expect(agoText(0.06)).toBe('0.0 s ago');
    expect(agoText(1500)).toBe('1.5 s ago');
    expect(agoText(45000)).toBe('45 s ago');
    expect(agoText(600000)).toBe('10 min ago');
    expect(agoText(3 * 3600000)).toBe('3 h ago');
  });
});

describe('FederationPanel', () => {
  it('shows this fog, peer a connected with its RTT, and a\'s video held by a', () => {
    const c = panel(federationOf(fogB.federation));
    expect(c.querySelector('[data-federation]')!.getAttribute('data-federation')).toBe('online');
    expect(c.querySelector('[data-fog-name]')!.getAttribute('data-fog-name')).toBe('b');
    const peer = c.querySelector('[data-peer="a"]')!;
    expect(peer.getAttribute('data-state')).toBe('connected');
    expect(peer.querySelector('[data-field="address"]')!.textContent).toBe('127.0.0.1:36191');
    expect(peer.querySelector('[data-field="state"]')!.textContent).toBe('connected');
    expect(peer.querySelector('[data-field="rtt"]')!.textContent).toBe('0.0 ms');
    expect(peer.querySelector('[data-field="rtt"]')!.getAttribute('data-value')).toBe('0');
    expect(peer.querySelector('[data-field="last-heard"]')!.textContent).toBe('0.0 s ago');
    expect(peer.querySelector('[data-field="videos"]')!.textContent).toBe('1');
    const v = c.querySelector('[data-federation-video="cam-a-1"]')!;
    expect(v.getAttribute('data-fogs')).toBe('a');
    expect(v.querySelector('[data-field="fogs"]')!.textContent).toBe('a');
    expect(v.querySelector('[data-field="packets"]')!.textContent).toBe('3 of 3');
    expect(v.querySelector('a')!.getAttribute('href')).toBe('/watch/cam-a-1');
  });

  it('shows a peer that was never heard as down, without RTT', () => {
    const c = panel({
      kind: 'online',
      name: 'b',
      peers: [{ name: 'a', address: '10.0.0.1:1883', connected: false, rtt_ms: -1, last_heard_ms_ago: -1, videos: -1 }],
      videos: [],
    });
    const peer = c.querySelector('[data-peer="a"]')!;
    expect(peer.getAttribute('data-state')).toBe('down');
    expect(peer.querySelector('[data-field="rtt"]')!.textContent).toBe('–');
    expect(peer.querySelector('[data-field="rtt"]')!.getAttribute('data-value')).toBe('');
    expect(peer.querySelector('[data-field="last-heard"]')!.textContent).toBe('never');
    expect(peer.querySelector('[data-field="videos"]')!.textContent).toBe('–');
    expect(c.textContent).toContain('No fog of the federation holds a video yet.');
  });

  it('says "no peer" for a fog linked to none', () => {
    const c = panel({ kind: 'online', name: 'solo', peers: [], videos: [] });
    expect(c.textContent).toContain('No peer is linked.');
  });

  it('says a fog without a federation is not federated, and an offline component is offline', () => {
    const none = panel(federationOf(undefined));
    expect(none.querySelector('[data-federation="none"]')).not.toBeNull();
    expect(none.querySelector('[data-peer]')).toBeNull();
    expect(none.textContent).toContain('Not federated');
    const off = panel(federationOf({ role: 'federation', state: 'offline', name: 'b' }));
    expect(off.querySelector('[data-federation="offline"] [data-fog-name="b"]')).not.toBeNull();
    expect(off.textContent).toContain('offline');
    expect(panel(undefined).querySelector('[data-federation="loading"]')).not.toBeNull();
  });

  it('renders names and ids from other fogs as text, never as markup', () => {
    const c = panel(
      federationOf({
        name: XSS,
        peers: [{ name: XSS, address: XSS, connected: true, rtt_ms: 1 }],
        videos: [{ video_id: XSS, status: XSS, fogs: [XSS] }],
      }),
    );
    expect(c.querySelector('[data-fog-name] strong')!.textContent).toBe(XSS);
    expect(c.querySelector('[data-peer] th')!.textContent).toBe(XSS);
    expect(c.querySelector('[data-federation-video] a')!.textContent).toBe(XSS);
    expect(c.querySelector('[data-federation-video] a')!.getAttribute('href')).toBe(`/watch/${encodeURIComponent(XSS)}`);
    expect(c.querySelectorAll('img, script')).toHaveLength(0);
  });

  it(`lists at most ${DASHBOARD_VIDEOS} videos and says how many more`, () => {
    const videos = Array.from({ length: DASHBOARD_VIDEOS + 10 }, (_, i) => ({
      video_id: `v-${i}`,
      status: 'live',
      packets: i,
      total_packets: 0,
      publisher_key: '',
      fogs: ['a', 'b'],
    }));
    const c = render(
      <MemoryRouter>
        <FederationVideoTable videos={videos} limit={DASHBOARD_VIDEOS} caption="Videos" />
      </MemoryRouter>,
    ).container;
    expect(c.querySelectorAll('[data-federation-video]')).toHaveLength(DASHBOARD_VIDEOS);
    expect(c.textContent).toContain('and 10 more');
    expect(c.querySelector('[data-federation-video="v-0"] [data-field="fogs"]')!.textContent).toBe('a, b');
    expect(c.querySelector('[data-federation-video="v-0"] [data-field="packets"]')!.textContent).toBe('0 of ?');
  });
});
