/** Search the sources (as /search does) and add a result at the end of the queue or next. */
import { useState } from 'preact/hooks';
import { API, get, Refusal } from '../api/client';
import { SearchView, type SearchResult } from '../api/codecs';
import { Artwork } from '../artwork';
import { clock } from '../format';
import { permission, toastRefusal, type Can, type GuildActions } from './actions';
import { Control } from './control';

const LIMIT = 8;

export function Search({ can, actions }: { readonly can: Can; readonly actions: GuildActions }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<readonly SearchResult[] | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const play = permission(can, 'play');

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const q = query.trim();
    if (q === '' || busy) return;
    setBusy(true);
    setNote('Searching…');
    try {
      const found = await get(SearchView, `${API}/search?q=${encodeURIComponent(q)}&limit=${LIMIT}`);
      setResults(found.results);
      setNote(found.results.length === 0 ? 'Nothing found.' : `${found.results.length} results.`);
    } catch (err) {
      setNote(err instanceof Refusal ? err.message : 'The search failed.');
      toastRefusal(err);
    } finally {
      setBusy(false);
    }
  };

  const add = (r: SearchResult, next: boolean): void => {
    void actions.send('POST', '/tracks', next ? { query: r.url, next: true } : { query: r.url });
  };

  return (
    <section class="card search" aria-labelledby="search-heading">
      <h2 id="search-heading">Add music</h2>
      <form class="search-form" role="search" onSubmit={(e) => void submit(e)}>
        <label class="visually-hidden" for="search-input">
          Search for music or paste a link
        </label>
        <input
          id="search-input"
          type="search"
          data-testid="search-input"
          placeholder="Search or paste a link"
          autocomplete="off"
          maxLength={2000}
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="submit" class="control primary" data-testid="search-submit" disabled={busy}>
          Search
        </button>
      </form>
      <p class="hint" aria-live="polite">
        {note}
      </p>
      {results === undefined || results.length === 0 ? null : (
        <ul class="results">
          {results.map((r) => (
            <li key={r.url} class="result" data-testid="search-result">
              <Artwork class="result-art" src={r.artworkUrl} />
              <span class="result-text">
                <span class="result-title">{r.title}</span>
                <span class="result-meta">{[r.artist, r.source, r.durationMs === undefined ? undefined : clock(r.durationMs)].filter((x) => x !== undefined).join(' · ')}</span>
              </span>
              <span class="result-buttons">
                <Control can={can} action="play" testid="add" label="Add" class="small" onPress={() => add(r, false)} />
                <Control can={can} action="play" testid="add-next" label="Add next" class="small" onPress={() => add(r, true)} />
              </span>
            </li>
          ))}
        </ul>
      )}
      {play.allowed ? null : <p class="hint">{play.reason}</p>}
    </section>
  );
}
