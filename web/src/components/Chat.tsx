import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { MqttClient } from 'mqtt';
import { getUiConfig } from '../lib/api';
import {
  chatTopic,
  decodeMessage,
  encodeMessage,
  MAX_MESSAGES,
  MAX_PSEUDO,
  MAX_TEXT,
  randomPseudo,
  type ChatMessage,
} from '../lib/chat';
import { KEYS, load, save } from '../lib/storage';

export interface ChatTransport {
  publish(text: string): void;
  close(): void;
}

export type ConnectChat = (
  videoId: string,
  onMessage: (m: ChatMessage) => void,
  onState: (s: string) => void,
) => Promise<ChatTransport>;

/** Connects to the fog's MQTT over WebSockets with the viewer login of GET /ui-config. */
export const connectMqttChat: ConnectChat = async (videoId, onMessage, onState) => {
  const [cfg, { default: mqtt }] = await Promise.all([getUiConfig(), import('mqtt')]);
  const topic = chatTopic(cfg.chat_topic_prefix || 'chat/', videoId);
  let url = cfg.mqtt_ws_url;
  // The fog names its bridge by the address it listens on; a browser that
  // reached the API by another name (a tunnel, a proxy) uses that host.
  try {
    const u = new URL(url);
    if ((u.hostname === '127.0.0.1' || u.hostname === 'localhost') && location.hostname !== u.hostname) {
      u.hostname = location.hostname;
      url = u.toString();
    }
  } catch {
    // keep the configured URL
  }
  const client: MqttClient = mqtt.connect(url, {
    username: cfg.username,
    password: cfg.password,
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10000,
    clientId: `web-${crypto.getRandomValues(new Uint32Array(2)).join('')}`,
  });
  client.on('connect', () => {
    client.subscribe(topic, { qos: 0 }, (err, granted) => {
      // MQTT 5: a refusal is a reason code ≥ 0x80 in the SUBACK, not an error.
      const code = granted?.[0]?.qos ?? 0;
      if (err) onState(`subscribe refused: ${err.message}`);
      else if (code >= 0x80) onState(`subscribe refused: reason code 0x${code.toString(16)}`);
      else onState('connected');
    });
  });
  client.on('reconnect', () => onState('reconnecting'));
  client.on('close', () => onState('disconnected'));
  client.on('error', (e) => onState(`error: ${e.message}`));
  client.on('message', (t, payload) => {
    if (t !== topic) return;
    const m = decodeMessage(payload);
    if (m) onMessage(m);
  });
  return {
    publish: (text) => {
      client.publish(topic, encodeMessage({ pseudo: load(KEYS.pseudo) ?? 'anonymous', text, time: Date.now() }), {
        qos: 0,
      });
    },
    close: () => client.end(true),
  };
};

function initialPseudo(): string {
  const p = load(KEYS.pseudo);
  if (p && p.trim() && p.length <= MAX_PSEUDO) return p;
  const fresh = randomPseudo();
  save(KEYS.pseudo, fresh);
  return fresh;
}

export function Chat({ videoId, connect = connectMqttChat }: { videoId: string; connect?: ConnectChat }) {
  const [pseudo, setPseudo] = useState(initialPseudo);
  const [pseudoDraft, setPseudoDraft] = useState(pseudo);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [text, setText] = useState('');
  const [state, setState] = useState('connecting');
  const transport = useRef<ChatTransport | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    let closed = false;
    let t: ChatTransport | null = null;
    connect(
      videoId,
      (m) => setMessages((ms) => [...ms, m].slice(-MAX_MESSAGES)),
      (s) => !closed && setState(s),
    ).then(
      (tr) => {
        if (closed) tr.close();
        else transport.current = t = tr;
      },
      (e: unknown) => !closed && setState(`unavailable: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      closed = true;
      t?.close();
      transport.current = null;
    };
  }, [videoId, connect]);

  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const send = (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || body.length > MAX_TEXT || !transport.current) return;
    transport.current.publish(body);
    setText('');
  };
  const rename = (e: FormEvent) => {
    e.preventDefault();
    const p = pseudoDraft.trim().slice(0, MAX_PSEUDO);
    if (!p) return;
    save(KEYS.pseudo, p);
    setPseudo(p);
    setPseudoDraft(p);
  };

  return (
    <aside className="chat" aria-label="Chat">
      <h2>Chat</h2>
      <p className="muted" role="status" data-chat-state={state}>
        {state}
      </p>
      <form onSubmit={rename} className="row">
        <label htmlFor="pseudo">Your name</label>
        <input
          id="pseudo"
          value={pseudoDraft}
          maxLength={MAX_PSEUDO}
          onChange={(e) => setPseudoDraft(e.target.value)}
        />
        <button type="submit" disabled={pseudoDraft.trim() === pseudo}>
          Rename
        </button>
      </form>
      <ol className="messages" ref={listRef} aria-live="polite" aria-label="Messages">
        {messages.map((m, i) => (
          <li key={`${m.time}-${i}`} data-chat-message>
            <span className="pseudo">{m.pseudo}</span>{' '}
            <time dateTime={new Date(m.time).toISOString()}>{new Date(m.time).toLocaleTimeString()}</time>
            <p className="text">{m.text}</p>
          </li>
        ))}
      </ol>
      <form onSubmit={send} className="chat-send">
        <label htmlFor="chat-input" className="sr-only">
          Message
        </label>
        <textarea
          id="chat-input"
          data-chat-input
          value={text}
          maxLength={MAX_TEXT}
          rows={2}
          placeholder="Say something"
          onChange={(e) => setText(e.target.value.slice(0, MAX_TEXT))}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) send(e);
          }}
        />
        <span className="muted" aria-live="off">
          {text.length}/{MAX_TEXT}
        </span>
        <button type="submit" disabled={!text.trim() || state !== 'connected'}>
          Send
        </button>
      </form>
    </aside>
  );
}
