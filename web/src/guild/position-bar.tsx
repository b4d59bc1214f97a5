/**
 * The live position: interpolated here between events from the last positionMs (while the player says it
 * plays), so the bar moves without a request per second. Seeking: click or drag the bar (sent when
 * released), or focus it and use the arrow keys (5 s a step) or Home/End.
 */
import { useEffect, useState } from 'preact/hooks';
import { clock } from '../format';
import { permission, type Can, type GuildActions } from './actions';

const STEP_MS = 5_000;
const TICK_MS = 250;

export interface PositionProps {
  readonly can: Can;
  readonly actions: GuildActions;
  readonly trackId: string;
  readonly positionMs: number;
  readonly durationMs: number | null;
  readonly playing: boolean;
  /** performance.now() when positionMs arrived. */
  readonly receivedAt: number;
}

function useTicker(on: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!on) return undefined;
    const timer = window.setInterval(() => setNow(performance.now()), TICK_MS);
    return () => window.clearInterval(timer);
  }, [on]);
  return now;
}

export function PositionBar(p: PositionProps) {
  const now = useTicker(p.playing);
  // While a hand holds the bar, it shows where the hand is, not where playback is.
  const [held, setHeld] = useState<number | undefined>(undefined);
  useEffect(() => setHeld(undefined), [p.trackId, p.positionMs]);
  const live = p.positionMs + (p.playing ? Math.max(0, now - p.receivedAt) : 0);
  const duration = p.durationMs;
  const position = Math.min(held ?? live, duration ?? Number.POSITIVE_INFINITY);
  const { reason } = permission(p.can, 'seek');
  const why = reason ?? (duration === null ? 'This track has no known length, so it cannot be sought.' : undefined);

  const seek = (ms: number): void => {
    setHeld(ms);
    void p.actions.send('POST', '/seek', { positionMs: Math.round(ms) });
  };

  return (
    <div class="position" title={why}>
      <input
        type="range"
        class="seek-bar"
        data-testid="seek-bar"
        aria-label="Position"
        aria-valuetext={`${clock(position)} of ${duration === null ? 'unknown length' : clock(duration)}`}
        min={0}
        max={duration ?? 0}
        step={1000}
        value={Math.round(position)}
        disabled={why !== undefined}
        title={why ?? 'Seek: click or drag, or use the arrow keys'}
        onInput={(e) => setHeld(Number(e.currentTarget.value))}
        onChange={(e) => seek(Number(e.currentTarget.value))}
        onKeyDown={(e) => {
          // Bigger steps than the range's own 1 s: arrows move 5 s, as media players do.
          if (duration === null) return;
          const delta = e.key === 'ArrowRight' || e.key === 'ArrowUp' ? STEP_MS : e.key === 'ArrowLeft' || e.key === 'ArrowDown' ? -STEP_MS : 0;
          if (delta === 0) return;
          e.preventDefault();
          seek(Math.max(0, Math.min(duration, position + delta)));
        }}
      />
      <span class="position-text" data-testid="position">
        {clock(position)} / {duration === null ? '–' : clock(duration)}
      </span>
    </div>
  );
}
