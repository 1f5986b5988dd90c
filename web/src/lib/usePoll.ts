import { useEffect, useRef, useState } from 'react';

export interface PollState<T> {
  data: T | undefined;
  error: string | undefined;
  /** Date.now() of the last successful answer. */
  at: number | undefined;
}

/**
 * Calls `load` now and every `periodMs` after the previous call finished
 * (never two at once), until unmounted or `key` changes.
 */
export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  periodMs: number,
  key: string,
): PollState<T> {
  const [state, setState] = useState<PollState<T>>({ data: undefined, error: undefined, at: undefined });
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const data = await loadRef.current(ctl.signal);
        if (!ctl.signal.aborted) setState({ data, error: undefined, at: Date.now() });
      } catch (e) {
        if (!ctl.signal.aborted) setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }));
      }
      if (!ctl.signal.aborted) timer = setTimeout(tick, periodMs);
    };
    void tick();
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [periodMs, key]);
  return state;
}
