import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { FederationVideoTable } from '../components/Federation';
import { VideoCard } from '../components/VideoCard';
import { getVideo, HttpError, listFederationVideos, listVideos, type Video } from '../lib/api';
import { federationVideosOf } from '../lib/federation';
import { usePoll } from '../lib/usePoll';

export const PAGE_SIZE = 24;
const POLL_MS = 2000;

export type Scope = 'local' | 'federation';

function toPage(s: string | null): number {
  const n = Number(s);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** This fog's registry, a page at a time. */
function LocalList({ page, query, goPage }: { page: number; query: string; goPage: (p: number) => void }) {
  // Searching by id asks the registry for that exact id (the list holds
  // thousands); the current page is filtered by substring as well.
  const list = usePoll(
    (signal) => listVideos(PAGE_SIZE, (page - 1) * PAGE_SIZE, signal),
    POLL_MS,
    `list-${page}`,
  );
  const exact = usePoll<Video | null>(
    async (signal) => {
      if (!query) return null;
      try {
        return await getVideo(query, signal);
      } catch (e) {
        if (e instanceof HttpError && (e.status === 404 || e.status === 400)) return null;
        throw e;
      }
    },
    POLL_MS,
    `exact-${query}`,
  );

  const videos = list.data ?? [];
  const shown = query ? videos.filter((v) => v.VideoID.includes(query)) : videos;
  if (exact.data && !shown.some((v) => v.VideoID === exact.data?.VideoID)) shown.unshift(exact.data);

  return (
    <>
      {list.error && <p role="alert" className="error">Could not load the videos: {list.error}</p>}
      {list.data === undefined && !list.error && <p role="status">Loading…</p>}
      {list.data !== undefined && shown.length === 0 && (
        <p role="status">{query ? `No video matches “${query}”.` : 'No videos yet.'}</p>
      )}
      <ul className="cards" aria-label="Videos">
        {shown.map((v) => (
          <VideoCard key={v.VideoID} video={v} />
        ))}
      </ul>
      <nav className="pager" aria-label="Pages">
        <button type="button" onClick={() => goPage(page - 1)} disabled={page <= 1}>
          Previous
        </button>
        <span aria-live="polite">Page {page}</span>
        <button type="button" onClick={() => goPage(page + 1)} disabled={videos.length < PAGE_SIZE}>
          Next
        </button>
      </nav>
    </>
  );
}

/**
 * GET /videos?scope=federation: every video of the federation with the fogs
 * holding it, in one list (the federation's catalog, not paged). A fog
 * without a federation answers 503, which is said so, not shown as an error.
 */
export function FederationList({ query }: { query: string }) {
  const list = usePoll(
    async (signal) => {
      try {
        return federationVideosOf(await listFederationVideos(signal));
      } catch (e) {
        if (e instanceof HttpError && e.status === 503) return null;
        throw e;
      }
    },
    POLL_MS,
    'federation',
  );
  if (list.error) {
    return (
      <p role="alert" className="error">
        Could not load the federation’s videos: {list.error}
      </p>
    );
  }
  if (list.data === undefined) return <p role="status">Loading…</p>;
  if (list.data === null) {
    return (
      <p role="status" data-federation-none>
        This fog is not federated (no federation status has arrived): it lists its own videos only.
      </p>
    );
  }
  const shown = query ? list.data.filter((v) => v.video_id.includes(query)) : list.data;
  if (query && shown.length === 0) return <p role="status">No video of the federation matches “{query}”.</p>;
  return <FederationVideoTable videos={shown} caption="Videos of the federation" />;
}

export function LibraryPage() {
  const [params, setParams] = useSearchParams();
  const page = toPage(params.get('page'));
  const query = params.get('q') ?? '';
  const scope: Scope = params.get('scope') === 'federation' ? 'federation' : 'local';
  const [draft, setDraft] = useState(query);
  // The router applies a new URL in a transition, after the click has ended:
  // the radio shows the pick at once (a controlled input must be updated
  // synchronously, or the click is undone until the transition commits),
  // until the URL says the same. Cleared while rendering, not in an effect:
  // an effect run late would put back an older scope over a newer click.
  const [pending, setPending] = useState<Scope | null>(null);
  if (pending !== null && pending === scope) setPending(null);
  const picked = pending ?? scope;

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams(params);
    if (draft.trim()) next.set('q', draft.trim());
    else next.delete('q');
    next.delete('page');
    setParams(next);
  };
  const goPage = (p: number) => {
    const next = new URLSearchParams(params);
    if (p > 1) next.set('page', String(p));
    else next.delete('page');
    setParams(next);
  };
  const setScope = (s: Scope) => {
    setPending(s);
    const next = new URLSearchParams(params);
    if (s === 'federation') next.set('scope', s);
    else next.delete('scope');
    next.delete('page');
    setParams(next);
  };

  return (
    <section aria-labelledby="library-title">
      <div className="page-head">
        <h1 id="library-title">Library</h1>
        <fieldset className="scope" data-scope={scope}>
          <legend className="sr-only">Videos of</legend>
          {(['local', 'federation'] as const).map((s) => (
            <label key={s}>
              <input type="radio" name="scope" value={s} checked={picked === s} onChange={() => setScope(s)} />{' '}
              {s === 'local' ? 'This fog' : 'Federation'}
            </label>
          ))}
        </fieldset>
        <form role="search" onSubmit={onSearch} className="search">
          <label htmlFor="search-id">Video id</label>
          <input
            id="search-id"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="search by id"
            maxLength={255}
          />
          <button type="submit">Search</button>
        </form>
      </div>
      {scope === 'federation' ? <FederationList query={query} /> : <LocalList page={page} query={query} goPage={goPage} />}
    </section>
  );
}
