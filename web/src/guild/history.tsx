/** The last played tracks, newest first, each with "play again" (added by its link, as /play would). */
import { useEffect, useState } from 'preact/hooks';
import { get, Refusal } from '../api/client';
import { HistoryPage } from '../api/codecs';
import { trackTitle } from '../format';
import type { Can, GuildActions } from './actions';
import { Control } from './control';

const LIMIT = 10;

export function History({ can, actions, currentTrack }: { readonly can: Can; readonly actions: GuildActions; readonly currentTrack: string | undefined }) {
  const [open, setOpen] = useState(false);
  const [page, setPage] = useState<HistoryPage | undefined>(undefined);
  const [note, setNote] = useState('');
  useEffect(() => {
    if (!open) return undefined;
    let live = true;
    get(HistoryPage, `${actions.base}/history?limit=${LIMIT}`).then(
      (p) => {
        if (!live) return;
        setPage(p);
        setNote('');
      },
      (e: unknown) => {
        if (!live) return;
        setPage(undefined);
        // 409 history-empty is the normal "nothing yet".
        setNote(e instanceof Refusal ? e.message : 'The history could not be read.');
      },
    );
    return () => {
      live = false;
    };
    // A new current track means the last one went into the history.
  }, [open, currentTrack, actions.base]);

  return (
    <details class="card history" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <h2>History</h2>
      </summary>
      {note === '' ? null : <p class="hint">{note}</p>}
      {page === undefined ? null : (
        <ol class="plain-list">
          {page.entries.map((e) => (
            <li key={`${e.index}-${e.track.id}`} class="row" data-testid="history-item">
              <span class="row-text">
                <span class="row-title">{trackTitle(e.track)}</span>
                <span class="row-meta">{new Date(e.playedAt).toLocaleTimeString()}</span>
              </span>
              <Control can={can} action="play" testid="play-again" label="Play again" class="small" onPress={() => void actions.send('POST', '/tracks', { query: e.track.url })} />
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
