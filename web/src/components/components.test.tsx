import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Video } from '../lib/api';
import { MAX_TEXT, decodeMessage, type ChatMessage } from '../lib/chat';
import type { Cell } from '../player/pipeline';
import { Chat, type ConnectChat } from './Chat';
import { KeyPin } from './KeyPin';
import { WorkerTable } from './WorkerTable';
import { Counters, PacketDetails, Timeline, verifiedUpTo } from './Timeline';
import { VideoCard } from './VideoCard';

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

function video(over: Partial<Video> = {}): Video {
  return {
    ID: 1,
    CreatedAt: '2026-01-02T03:04:05.000Z',
    VideoID: 'cam-1',
    packets: 10,
    copies: 20,
    bytes: 1000,
    total_packets: 10,
    status: 'complete',
    publisher_key: 'mldsa44:0123456789abcdef0123',
    authenticated: true,
    workers: [
      { worker: 'worker-1', packets: 10, bytes: 500 },
      { worker: 'worker-2', packets: 10, bytes: 500 },
    ],
    duration: 65.2,
    ...over,
  };
}

describe('VideoCard', () => {
  it('shows status, poster, duration, packets, copies, key and time', () => {
    const { container } = render(
      <MemoryRouter>
        <ul>
          <VideoCard video={video()} />
        </ul>
      </MemoryRouter>,
    );
    const card = container.querySelector('[data-video-id="cam-1"]')!;
    expect(card.getAttribute('data-status')).toBe('complete');
    expect(card.querySelector('img')!.getAttribute('src')).toBe('/videos/cam-1/poster.jpg');
    expect(card.querySelector('[data-field="duration"]')!.textContent).toBe('1:05');
    expect(card.querySelector('[data-field="packets"]')!.textContent).toBe('10 of 10');
    expect(card.querySelector('[data-field="copies"]')!.textContent).toBe('2.0 on 2 workers');
    expect(card.querySelector('[data-field="key"]')!.textContent).toContain('0123456789ab');
    expect(card.querySelector('a')!.getAttribute('href')).toBe('/watch/cam-1');
  });

  it('renders a hostile id as text, never as markup', () => {
    const { container } = render(
      <MemoryRouter>
        <ul>
          <VideoCard video={video({ VideoID: XSS, status: 'live', total_packets: 0 })} />
        </ul>
      </MemoryRouter>,
    );
    const card = container.querySelector('.card')!;
    expect(card.getAttribute('data-video-id')).toBe(XSS);
    expect(card.getAttribute('data-status')).toBe('live');
    expect(card.querySelector('.card-title')!.textContent).toBe(XSS);
    expect(card.querySelector('script')).toBeNull();
    expect(card.querySelectorAll('img')).toHaveLength(1); // the poster only
    expect(card.querySelector('img')!.getAttribute('src')).toBe(`/videos/${encodeURIComponent(XSS)}/poster.jpg`);
  });
});

const cells: Cell[] = [
  { n: 1, status: 'verified', keyIdHex: 'ab'.repeat(16), digestHex: 'd1', linkHex: 'l1' },
  { n: 2, status: 'verified', keyIdHex: 'ab'.repeat(16), digestHex: 'd2', linkHex: 'l2', holders: ['worker-1'] },
  { n: 3, status: 'invalid', reason: 'digest mismatch', digestHex: 'd3', linkHex: 'l3', holders: ['worker-2', 'worker-3'] },
  { n: 4, status: 'missing', reason: 'no such packet' },
  { n: 5, status: 'unsigned' },
  { n: 6, status: 'pending' },
];
const durations = new Map([
  [2, 2],
  [3, 1],
  [4, 1],
  [5, 1],
  [6, 3],
]);

describe('Timeline', () => {
  it('has one cell per packet with its status, sized by media time', () => {
    let picked = 0;
    const { container } = render(
      <Timeline cells={cells} durations={durations} currentTime={1} selected={null} onSelect={(n) => (picked = n)} />,
    );
    const els = container.querySelectorAll('[data-packet]');
    expect([...els].map((e) => e.getAttribute('data-status'))).toEqual([
      'verified',
      'verified',
      'invalid',
      'missing',
      'unsigned',
      'pending',
    ]);
    expect((els[5] as HTMLElement).style.flexGrow).toBe('3');
    fireEvent.click(els[2]!);
    expect(picked).toBe(3);
    // One cell in the Tab order; arrows move between cells.
    expect([...els].filter((e) => (e as HTMLElement).tabIndex === 0)).toHaveLength(1);
    (els[0] as HTMLElement).focus();
    fireEvent.keyDown(els[0]!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(els[1]);
    fireEvent.keyDown(els[1]!, { key: 'End' });
    expect(document.activeElement).toBe(els[5]);
  });

  it('counts each status and says how far it verified', () => {
    const { container } = render(<Counters cells={cells} />);
    const count = (s: string) => container.querySelector(`[data-counter="${s}"] strong`)!.textContent;
    expect([count('verified'), count('invalid'), count('missing'), count('unsigned'), count('pending')]).toEqual([
      '2',
      '1',
      '1',
      '1',
      '1',
    ]);
    expect(verifiedUpTo(cells, durations)).toEqual({ seconds: 2, keyIdHex: 'ab'.repeat(16) });
  });

  it('details a packet: number, digest, link, holders, reason', () => {
    render(<PacketDetails cell={cells[2]!} durations={durations} />);
    const d = screen.getByRole('region', { name: 'Packet 3' });
    expect(within(d).getByText('digest mismatch')).toBeTruthy();
    expect(within(d).getByText('worker-2, worker-3')).toBeTruthy();
    expect(within(d).getByText('d3')).toBeTruthy();
    expect(within(d).getByText('l3')).toBeTruthy();
    expect(within(d).getByText('0:02 – 0:03')).toBeTruthy();
    expect(d.querySelector('[data-field="publisher"]')).toBeNull(); // a bare key names none
  });

  it('names the certified publisher, and a refused certificate with its reason', () => {
    const certified: Cell[] = [
      { n: 1, status: 'verified', keyIdHex: 'cd'.repeat(16), publisher: 'cam', digestHex: 'd1', linkHex: 'l1' },
      {
        n: 2,
        status: 'invalid',
        reason: 'revoked: publisher cam (serial 3): certificate revoked',
        keyIdHex: 'cd'.repeat(16),
        digestHex: 'd2',
        linkHex: 'l2',
      },
    ];
    expect(verifiedUpTo(certified, durations)).toEqual({ seconds: 0, keyIdHex: 'cd'.repeat(16), publisher: 'cam' });
    const { unmount } = render(<PacketDetails cell={certified[0]!} durations={durations} />);
    expect(screen.getByRole('region', { name: 'Packet 1' }).querySelector('[data-field="publisher"]')?.textContent).toBe(
      'cam',
    );
    unmount();
    render(<PacketDetails cell={certified[1]!} durations={durations} />);
    const d = screen.getByRole('region', { name: 'Packet 2' });
    expect(d.querySelector('[data-field="reason"]')?.textContent).toBe(
      'revoked: publisher cam (serial 3): certificate revoked',
    );
  });
});

describe('Chat', () => {
  function fakeChat() {
    const sent: string[] = [];
    let deliver!: (m: ChatMessage) => void;
    const connect: ConnectChat = async (_id, onMessage, onState) => {
      deliver = onMessage;
      onState('connected');
      return { publish: (t) => sent.push(t), close: () => undefined };
    };
    return { sent, connect, deliver: (m: ChatMessage) => act(() => deliver(m)) };
  }

  it('limits a message to 500 characters and sends it', async () => {
    const chat = fakeChat();
    const { container } = render(<Chat videoId="v" connect={chat.connect} />);
    await screen.findByText('connected');
    const input = container.querySelector('[data-chat-input]') as HTMLTextAreaElement;
    expect(input.maxLength).toBe(MAX_TEXT);
    fireEvent.change(input, { target: { value: 'x'.repeat(MAX_TEXT + 50) } });
    expect(input.value).toHaveLength(MAX_TEXT);
    fireEvent.submit(input.closest('form')!);
    expect(chat.sent).toEqual(['x'.repeat(MAX_TEXT)]);
    expect(input.value).toBe('');
  });

  it('renders received messages as text with pseudo and time', async () => {
    const chat = fakeChat();
    const { container } = render(<Chat videoId="v" connect={chat.connect} />);
    await screen.findByText('connected');
    chat.deliver({ pseudo: '<b>mallory</b>', text: XSS, time: Date.UTC(2026, 0, 1, 12, 0, 0) });
    const msg = container.querySelector('[data-chat-message]')!;
    expect(msg.querySelector('.pseudo')!.textContent).toBe('<b>mallory</b>');
    expect(msg.querySelector('.text')!.textContent).toBe(XSS);
    expect(msg.querySelector('script, img, b')).toBeNull();
    expect(msg.querySelector('time')!.getAttribute('datetime')).toBe('2026-01-01T12:00:00.000Z');
  });

  it('drops malformed and over-long messages on arrival', () => {
    expect(decodeMessage('{"pseudo":"a","text":"hi","time":1}')).toEqual({ pseudo: 'a', text: 'hi', time: 1 });
    expect(decodeMessage(JSON.stringify({ pseudo: 'a', text: 'x'.repeat(MAX_TEXT + 1), time: 1 }))).toBeNull();
    expect(decodeMessage('{"pseudo":"a","text":"hi"}')).toBeNull();
    expect(decodeMessage('not json')).toBeNull();
    expect(decodeMessage(new Uint8Array([0xff, 0xfe]))).toBeNull();
  });

  it('generates a pseudo on the first visit and keeps a new one', async () => {
    localStorage.clear();
    const chat = fakeChat();
    render(<Chat videoId="v" connect={chat.connect} />);
    const input = screen.getByLabelText('Your name') as HTMLInputElement;
    expect(input.value).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(localStorage.getItem('fog.pseudo')).toBe(input.value);
    fireEvent.change(input, { target: { value: 'alice' } });
    fireEvent.submit(input.closest('form')!);
    expect(localStorage.getItem('fog.pseudo')).toBe('alice');
  });
});

describe('KeyPin', () => {
  const trusted = [
    { key_id: 'aa'.repeat(16), algorithm: 'mldsa44', public_key: '' },
    { key_id: 'bb'.repeat(16), algorithm: 'mldsa44', public_key: '' },
  ];
  it('pins the video’s key, warns when another key signs, and unpins', () => {
    localStorage.clear();
    const { rerender } = render(<KeyPin videoKey={'aa'.repeat(16)} trusted={trusted} />);
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Pin this key' }));
    expect(localStorage.getItem('fog.pinnedKey')).toBe('aa'.repeat(16));
    rerender(<KeyPin videoKey={'bb'.repeat(8)} trusted={trusted} />);
    expect(screen.getByRole('alert').textContent).toContain(`signed by key ${'bb'.repeat(16)}, not by your pinned key`);
    fireEvent.click(screen.getByRole('button', { name: 'Change pin to this key' }));
    expect(localStorage.getItem('fog.pinnedKey')).toBe('bb'.repeat(16));
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /^Unpin/ }));
    expect(localStorage.getItem('fog.pinnedKey')).toBeNull();
  });
});

describe('WorkerTable', () => {
  it('has one row per worker with its state, CPU, memory, storage and packets', () => {
    const { container } = render(
      <WorkerTable
        rows={[
          {
            name: 'worker-1',
            state: 'online',
            why: '',
            weight: 0.5,
            stats: { cpu: 12.5, cpus: 2, mem_used: 2e9, mem_limit: 8e9, free_storage: 5e10, store_packets: 42 },
          },
          { name: '<b>w2</b>', state: 'offline', why: '2 pings unanswered', weight: undefined, stats: null },
        ]}
      />,
    );
    const r1 = container.querySelector('[data-worker="worker-1"]')!;
    expect(r1.getAttribute('data-state')).toBe('online');
    expect(r1.querySelector('[data-field="cpu"]')!.getAttribute('data-value')).toBe('12.5');
    expect(r1.querySelector('[data-field="cpu"]')!.textContent).toBe('12.5 % of 2');
    expect(r1.querySelector('[data-field="mem"]')!.textContent).toBe('2.0 GB / 8.0 GB');
    expect(r1.querySelector('[data-field="packets"]')!.textContent).toBe('42');
    const r2 = container.querySelector('[data-worker="<b>w2</b>"]')!;
    expect(r2.getAttribute('data-state')).toBe('offline');
    expect(r2.textContent).toContain('2 pings unanswered');
    expect(r2.querySelector('b')).toBeNull();
  });
});
