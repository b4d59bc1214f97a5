/**
 * Up next: the queue after the current track. Indexes are the API's (1-based, 1 = the current track, which
 * Now playing shows), so the first row here is index 2. Reorder by dragging a row onto another (it takes
 * that row's place), or with the up/down buttons; each row also has play-next and remove.
 */
import { useState } from 'preact/hooks';
import type { DashboardGuild, QueueEntry } from '../api/codecs';
import { clock, trackTitle } from '../format';
import { Icon } from '../icons';
import { permission, type GuildActions } from './actions';
import { Control } from './control';

const FIRST_UP_NEXT = 2;

export function Queue({ data, actions }: { readonly data: DashboardGuild; readonly actions: GuildActions }) {
  const { view, can } = data;
  const upNext = view.queue.filter((e) => e.index >= FIRST_UP_NEXT);
  const last = upNext[upNext.length - 1]?.index ?? FIRST_UP_NEXT;
  const [dragging, setDragging] = useState<number | undefined>(undefined);
  const [over, setOver] = useState<number | undefined>(undefined);
  const move = permission(can, 'move');
  const moveTo = (from: number, to: number): void => {
    if (from !== to) void actions.send('POST', '/tracks/move', { from, to });
  };
  const hidden = Math.max(0, view.length - 1 - upNext.length);

  return (
    <section class="card queue" aria-labelledby="queue-heading">
      <h2 id="queue-heading">
        Up next <span class="count">{Math.max(0, view.length - 1)}</span>
      </h2>
      {upNext.length === 0 ? (
        <p class="empty">The queue is empty. Search below to add something.</p>
      ) : (
        <ol class="queue-list" aria-describedby="queue-help">
          {upNext.map((entry: QueueEntry, n) => (
            <li
              key={entry.track.id}
              class={`queue-item ${dragging === entry.index ? 'is-dragging' : ''} ${over === entry.index && dragging !== entry.index ? 'is-over' : ''}`}
              data-testid="queue-item"
              data-index={entry.index}
              draggable={move.allowed}
              onDragStart={(e) => {
                e.dataTransfer?.setData('text/plain', String(entry.index));
                if (e.dataTransfer !== null) e.dataTransfer.effectAllowed = 'move';
                setDragging(entry.index);
              }}
              onDragEnd={() => {
                setDragging(undefined);
                setOver(undefined);
              }}
              onDragOver={(e) => {
                if (dragging === undefined) return;
                e.preventDefault();
                setOver(entry.index);
              }}
              onDrop={(e) => {
                e.preventDefault();
                const from = dragging ?? Number(e.dataTransfer?.getData('text/plain'));
                setDragging(undefined);
                setOver(undefined);
                if (Number.isInteger(from) && from >= FIRST_UP_NEXT) moveTo(from, entry.index);
              }}
            >
              {move.allowed ? (
                <span class="grip" aria-hidden="true">
                  <Icon name="grip" />
                </span>
              ) : null}
              <span class="queue-pos">{n + 1}</span>
              <span class="queue-text">
                <span class="queue-title" data-testid="queue-title">
                  {trackTitle(entry.track)}
                </span>
                <span class="queue-meta">
                  {[entry.track.artist, entry.track.durationMs === undefined ? undefined : clock(entry.track.durationMs), entry.track.requester?.name].filter((x) => x !== undefined).join(' · ')}
                </span>
              </span>
              <span class="queue-buttons">
                <Control can={can} action="move" testid="move-up" label={`Move ${trackTitle(entry.track)} up`} class="small" unavailable={entry.index === FIRST_UP_NEXT ? 'Already first.' : undefined} onPress={() => moveTo(entry.index, entry.index - 1)}>
                  <Icon name="up" />
                </Control>
                <Control can={can} action="move" testid="move-down" label={`Move ${trackTitle(entry.track)} down`} class="small" unavailable={entry.index === last ? 'Already last.' : undefined} onPress={() => moveTo(entry.index, entry.index + 1)}>
                  <Icon name="down" />
                </Control>
                <Control can={can} action="move" testid="play-next" label={`Play ${trackTitle(entry.track)} next`} class="small" unavailable={entry.index === FIRST_UP_NEXT ? 'It plays next already.' : undefined} onPress={() => void actions.send('POST', `/tracks/${entry.index}/next`)}>
                  <Icon name="next_in_line" />
                </Control>
                <Control can={can} action="remove" testid="remove" label={`Remove ${trackTitle(entry.track)}`} class="small danger" onPress={() => void actions.send('DELETE', `/tracks/${entry.index}`)}>
                  <Icon name="trash" />
                </Control>
              </span>
            </li>
          ))}
        </ol>
      )}
      <p id="queue-help" class="hint">
        Drag a track onto another to take its place, or use the arrows.
        {hidden > 0 ? ` ${hidden} more not shown.` : ''}
      </p>
    </section>
  );
}
