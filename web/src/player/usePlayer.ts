import { useEffect, useReducer, useRef, useState } from 'react';
import Hls from 'hls.js/light';
import { getTrust, type KeyInfo } from '../lib/api';
import { httpPacketSource, PacketPipeline, type Cell } from './pipeline';
import { loadVerifier, type CertificateTrust, type TrustedKey } from './verifierTypes';
import { makeVerifiedLoader } from './verifiedLoader';

declare global {
  interface Window {
    /** Read by the browser tests: what the player handed to the media element. */
    fogPlayer?: {
      delivered: number[];
      /** Packets the loader refused to hand over. */
      refused: number[];
      firstFrameMs?: number;
      mode?: string;
      /** performance.now() at each step of the start, for the benchmarks. */
      marks: Record<string, number>;
    };
  }
}

function b64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface PlayerState {
  cells: Cell[];
  stopped: string | null;
  error: string | null;
  keys: KeyInfo[] | undefined;
  mode: 'hls.js' | 'native' | 'none' | 'loading';
}

/**
 * Runs the verification pipeline of one video and plays it through hls.js
 * with the verified-media loader (native HLS where hls.js cannot run).
 */
export function usePlayer(
  videoId: string,
  totalPackets: number,
  video: HTMLVideoElement | null,
  enabled = true,
): PlayerState {
  const [, bump] = useReducer((x: number) => x + 1, 0);
  const [pipeline, setPipeline] = useState<PacketPipeline | null>(null);
  const [keys, setKeys] = useState<KeyInfo[]>();
  const [error, setError] = useState<string | null>(null);
  const [stopped, setStopped] = useState<string | null>(null);
  const [mode, setMode] = useState<PlayerState['mode']>('loading');
  const hlsRef = useRef<Hls | null>(null);
  const totalRef = useRef(totalPackets);

  // The pipeline starts fetching at once; it verifies as soon as the
  // verifier and the trusted keys are loaded.
  useEffect(() => {
    setError(null);
    setStopped(null);
    if (!enabled) return;
    const factory = Promise.all([loadVerifier(), getTrust()]).then(([verifier, t]) => {
      setKeys(t.keys);
      const asKey = (k: KeyInfo): TrustedKey => ({ keyIdHex: k.key_id, publicKey: b64(k.public_key) });
      const trusted = t.keys.map(asKey);
      // Certificates are checked in the module against these fog keys and
      // lists (it verifies the lists' signatures) and the browser's clock.
      const certificates: CertificateTrust = {
        authorities: (t.authorities ?? []).map(asKey),
        revocations: (t.revocations ?? []).map(b64),
      };
      return () => {
        const s = verifier.newStream(videoId, trusted, certificates);
        for (const r of s.refusedRevocations ?? []) console.warn(`verifier: ${r}`);
        return s;
      };
    });
    const p = new PacketPipeline({
      videoId,
      newStream: factory,
      source: httpPacketSource(videoId),
      totalPackets: totalRef.current,
      onChange: bump,
      // Packets before the failed one still play; the loader refuses the
      // failed one, and playback stops there.
      onFailure: (cell) => {
        setStopped(
          `Playback stops at packet ${cell.n}: it is ${cell.status}${cell.reason ? ` (${cell.reason})` : ''}. ` +
            'Its bytes are never played.',
        );
      },
    });
    factory.catch((e: unknown) => {
      p.stop();
      hlsRef.current?.stopLoad();
      setError(`cannot verify in this browser: ${e instanceof Error ? e.message : String(e)}`);
    });
    setPipeline(p);
    p.start();
    return () => {
      p.stop();
      setPipeline(null);
    };
  }, [videoId, enabled]);

  useEffect(() => {
    totalRef.current = totalPackets;
    pipeline?.setTotal(totalPackets);
  }, [pipeline, totalPackets]);

  // Playback: only once the pipeline exists, so every byte goes through it.
  useEffect(() => {
    if (!pipeline || !video) return;
    const delivered: number[] = [];
    const marks: Record<string, number> = { pipeline: performance.now() };
    const refused: number[] = [];
    window.fogPlayer = { delivered, refused, marks };
    const mark = (k: string) => {
      if (marks[k] === undefined) marks[k] = performance.now();
    };
    const playlist = `/videos/${encodeURIComponent(videoId)}/index.m3u8`;
    const onFrame = () => {
      if (window.fogPlayer && window.fogPlayer.firstFrameMs === undefined) {
        window.fogPlayer.firstFrameMs = performance.now();
      }
    };
    video.addEventListener('playing', onFrame, { once: true });
    if (Hls.isSupported()) {
      setMode('hls.js');
      window.fogPlayer.mode = 'hls.js';
      const retry = { maxNumRetry: 30, retryDelayMs: 1000, maxRetryDelayMs: 2000 };
      const hls = new Hls({
        fLoader: makeVerifiedLoader(
          pipeline,
          (n) => {
            mark(`delivered-${n}`);
            delivered.push(n);
          },
          (n) => {
            refused.push(n);
            hlsRef.current?.stopLoad();
            // What was verified before it plays out; then the element stops.
            video.addEventListener('waiting', () => video.pause(), { once: true });
          },
        ),
        // A failed packet is final: hls.js must not ask for it again.
        fragLoadPolicy: {
          default: {
            maxTimeToFirstByteMs: Infinity,
            maxLoadTimeMs: Infinity,
            timeoutRetry: null,
            errorRetry: null,
          },
        },
        manifestLoadPolicy: {
          default: { maxTimeToFirstByteMs: 10000, maxLoadTimeMs: 20000, timeoutRetry: retry, errorRetry: retry },
        },
        playlistLoadPolicy: {
          default: { maxTimeToFirstByteMs: 10000, maxLoadTimeMs: 20000, timeoutRetry: retry, errorRetry: retry },
        },
      });
      hlsRef.current = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, () => mark('manifest'));
      hls.on(Hls.Events.FRAG_BUFFERED, () => mark('buffered'));
      video.addEventListener('canplay', () => mark('canplay'), { once: true });
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (data.fatal) {
          setStopped((s) => s ?? `Playback stopped: ${data.details}${data.error ? ` (${data.error.message})` : ''}`);
          hls.stopLoad();
        }
      });
      hls.loadSource(playlist);
      hls.attachMedia(video);
      return () => {
        video.removeEventListener('playing', onFrame);
        hls.destroy();
        hlsRef.current = null;
      };
    }
    if (video.canPlayType('application/vnd.apple.mpegurl')) {
      // Native HLS: the fog API serves only packets it verified itself; the
      // timeline still verifies every packet here.
      setMode('native');
      window.fogPlayer.mode = 'native';
      video.src = playlist;
      return () => {
        video.removeEventListener('playing', onFrame);
        video.removeAttribute('src');
        video.load();
      };
    }
    setMode('none');
    return () => video.removeEventListener('playing', onFrame);
  }, [pipeline, video, videoId]);

  return { cells: pipeline ? [...pipeline.cells] : [], stopped, error, keys, mode };
}
