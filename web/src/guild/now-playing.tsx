/** The current track with its artwork and live position, and the playback controls under it. */
import type { DashboardGuild, LoopMode } from '../api/codecs';
import { Artwork } from '../artwork';
import { trackTitle } from '../format';
import { Icon } from '../icons';
import type { GuildActions } from './actions';
import { permission } from './actions';
import { Control } from './control';
import { PositionBar } from './position-bar';

const LOOP_LABELS: Readonly<Record<LoopMode, string>> = { off: 'Loop off', track: 'Loop track', queue: 'Loop queue' };

export function NowPlaying({ data, actions, receivedAt }: { readonly data: DashboardGuild; readonly actions: GuildActions; readonly receivedAt: number }) {
  const { view, can } = data;
  const np = view.nowPlaying;
  const track = np?.track;
  const playing = np !== null && view.state === 'playing' && view.status?.state === 'playing' && view.status.trackId === np.track.id;
  const empty = np === null ? 'Nothing is playing.' : undefined;
  const volume = permission(can, 'volume');
  const loop = permission(can, 'loop');
  const autoplay = permission(can, 'autoplay');
  return (
    <section class="card now-playing" aria-labelledby="np-heading">
      <h2 id="np-heading" class="visually-hidden">
        Now playing
      </h2>
      <div class="np-main">
        <Artwork class="artwork" src={track?.artworkUrl} />
        <div class="np-text">
          <p class="np-label">{np === null ? 'Idle' : view.state === 'paused' ? 'Paused' : playing ? 'Now playing' : 'Starting'}</p>
          <p class="np-title" data-testid="now-playing-title">
            {track === undefined ? 'Nothing is playing' : trackTitle(track)}
          </p>
          {track?.artist === undefined ? null : <p class="np-artist">{track.artist}</p>}
          {track?.requester === undefined ? null : <p class="np-requester">Added by {track.requester.name}</p>}
        </div>
      </div>
      {np === null ? (
        <div class="position">
          <input type="range" class="seek-bar" data-testid="seek-bar" aria-label="Position" min={0} max={0} value={0} disabled title="Nothing is playing." />
          <span class="position-text" data-testid="position">
            0:00 / –
          </span>
        </div>
      ) : (
        <PositionBar can={can} actions={actions} trackId={np.track.id} positionMs={np.positionMs} durationMs={np.durationMs ?? np.track.durationMs ?? null} playing={playing} receivedAt={receivedAt} />
      )}
      <div class="transport" role="group" aria-label="Playback">
        <Control can={can} action="previous" testid="previous" label="Previous" onPress={() => void actions.send('POST', '/previous')}>
          <Icon name="previous" />
        </Control>
        {view.state === 'playing' ? (
          <Control can={can} action="pause" testid="pause" label="Pause" class="primary" unavailable={empty} onPress={() => void actions.send('POST', '/pause')}>
            <Icon name="pause" />
          </Control>
        ) : (
          <Control can={can} action="resume" testid="resume" label="Resume" class="primary" unavailable={empty} onPress={() => void actions.send('POST', '/resume')}>
            <Icon name="play" />
          </Control>
        )}
        <Control can={can} action="skip" testid="skip" label="Skip" unavailable={empty} onPress={() => void actions.send('POST', '/skip')}>
          <Icon name="next" />
        </Control>
        <Control can={can} action="shuffle" testid="shuffle" label="Shuffle" unavailable={view.length < 3 ? 'There is nothing to shuffle.' : undefined} onPress={() => void actions.send('POST', '/shuffle')}>
          <Icon name="shuffle" />
        </Control>
        <Control can={can} action="clear" testid="clear" label="Clear the queue" unavailable={view.length === 0 ? 'The queue is empty.' : undefined} onPress={() => void actions.send('POST', '/clear')}>
          <Icon name="trash" />
        </Control>
      </div>
      <div class="mixer">
        <label class="field volume-field" title={volume.reason ?? 'Volume'}>
          <span class="field-label">Volume {view.settings.volume}%</span>
          <input
            type="range"
            data-testid="volume"
            min={0}
            max={200}
            step={5}
            value={view.settings.volume}
            disabled={!volume.allowed}
            title={volume.reason ?? `Volume ${view.settings.volume}%`}
            onChange={(e) => void actions.send('POST', '/volume', { percent: Number(e.currentTarget.value) })}
          />
        </label>
        <label class="field" title={loop.reason ?? 'Loop'}>
          <span class="field-label">Loop</span>
          <select
            data-testid="loop"
            value={view.settings.loop}
            disabled={!loop.allowed}
            title={loop.reason ?? LOOP_LABELS[view.settings.loop]}
            onChange={(e) => void actions.send('POST', '/loop', { mode: e.currentTarget.value })}
          >
            <option value="off">Off</option>
            <option value="track">Track</option>
            <option value="queue">Queue</option>
          </select>
        </label>
        <label class="field switch" title={autoplay.reason ?? 'When the queue runs out, queue a related track'}>
          <input
            type="checkbox"
            data-testid="autoplay"
            checked={view.settings.autoplay}
            disabled={!autoplay.allowed}
            onChange={(e) => void actions.send('POST', '/autoplay', { enabled: e.currentTarget.checked })}
          />
          <span class="field-label">Autoplay</span>
        </label>
      </div>
    </section>
  );
}
