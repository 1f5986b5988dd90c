// Chat messages on MQTT `chat/<video id>`: JSON {pseudo, text, time}. Every
// field is checked on arrival; anything else is dropped and counted.

export const MAX_TEXT = 500;
export const MAX_PSEUDO = 40;
/** Messages kept on screen; older ones scroll away. */
export const MAX_MESSAGES = 200;

export interface ChatMessage {
  pseudo: string;
  text: string;
  /** Unix milliseconds, as the sender's clock read. */
  time: number;
}

export function encodeMessage(m: ChatMessage): string {
  return JSON.stringify({ pseudo: m.pseudo, text: m.text, time: m.time });
}

export function decodeMessage(payload: Uint8Array | string): ChatMessage | null {
  if (payload.length > 4 * (MAX_TEXT + MAX_PSEUDO) + 256) return null;
  let v: unknown;
  try {
    v = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { pseudo, text, time } = v as Record<string, unknown>;
  if (typeof pseudo !== 'string' || typeof text !== 'string' || typeof time !== 'number') return null;
  if (!pseudo.trim() || pseudo.length > MAX_PSEUDO || !text.trim() || text.length > MAX_TEXT) return null;
  if (!Number.isFinite(time)) return null;
  return { pseudo, text, time };
}

const ADJ = ['quiet', 'brisk', 'amber', 'misty', 'lucid', 'rapid', 'gentle', 'sunny'];
const NOUN = ['heron', 'otter', 'falcon', 'lynx', 'badger', 'finch', 'marten', 'wren'];

export function randomPseudo(rand: () => number = Math.random): string {
  const pick = (a: string[]) => a[Math.floor(rand() * a.length)] ?? a[0]!;
  return `${pick(ADJ)}-${pick(NOUN)}-${Math.floor(rand() * 1000)}`;
}

export function chatTopic(prefix: string, videoId: string): string {
  return `${prefix}${videoId}`;
}
