/** Entries set aside because they did not decode, with why; requeue puts one back once it decodes. */
import { useEffect, useState } from 'preact/hooks';
import { get, Refusal } from '../api/client';
import { QuarantineView } from '../api/codecs';
import type { Can, GuildActions } from './actions';
import { Control } from './control';

const SHOWN_CHARS = 120;

export function Quarantine({ can, actions, length }: { readonly can: Can; readonly actions: GuildActions; readonly length: number }) {
  const [view, setView] = useState<QuarantineView | undefined>(undefined);
  const [note, setNote] = useState('');
  useEffect(() => {
    if (length === 0) return undefined;
    let live = true;
    get(QuarantineView, `${actions.base}/quarantine`).then(
      (v) => live && setView(v),
      (e: unknown) => live && setNote(e instanceof Refusal ? e.message : 'The quarantine could not be read.'),
    );
    return () => {
      live = false;
    };
  }, [length, actions.base]);
  if (length === 0) return null;
  return (
    <section class="card quarantine" aria-labelledby="quarantine-heading">
      <h2 id="quarantine-heading">
        Quarantine <span class="count">{length}</span>
      </h2>
      <p class="hint">Queue entries that could not be read were set aside here. {note}</p>
      <ol class="plain-list">
        {(view?.entries ?? []).map((e) => (
          <li key={e.index} class="row" data-testid="quarantine-item">
            <span class="row-text">
              <span class="row-title mono">{e.raw.length > SHOWN_CHARS ? `${e.raw.slice(0, SHOWN_CHARS)}…` : e.raw}</span>
              <span class="row-meta">{e.reason}</span>
            </span>
            <Control can={can} action="requeue" testid="requeue" label="Requeue" class="small" onPress={() => void actions.send('POST', `/quarantine/${e.index}/requeue`)} />
          </li>
        ))}
      </ol>
    </section>
  );
}
