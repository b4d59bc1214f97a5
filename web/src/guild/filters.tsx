/**
 * Audio filters: the presets /filter offers, each a toggle, and "all off". The guild view does not carry
 * them, so they are read from GET .../filters when the page opens and again after the guild's events (a
 * /filter in Discord changes the guild's settings, which sends one), at most every REFRESH_MS; a change
 * made here shows from its answer at once.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api/client';
import { FiltersView, type Filters } from '../api/codecs';
import { PRESETS, type PresetName } from '../../../src/filters/model';
import { permission, type Can, type GuildActions } from './actions';

/** The most often the filters are read again while events come. */
const REFRESH_MS = 3_000;

const LABELS: Readonly<Record<PresetName, string>> = {
  bassboost: 'Bass boost',
  nightcore: 'Nightcore',
  vaporwave: 'Vaporwave',
  '8d': '8D',
  karaoke: 'Karaoke',
  tremolo: 'Tremolo',
  vibrato: 'Vibrato',
};

function isOn(f: Filters, name: PresetName): boolean {
  switch (name) {
    case 'bassboost':
      return f.bassboost !== undefined;
    case '8d':
      return f.eightD === true;
    default:
      return f[name] === true;
  }
}

export function describe(f: Filters): string {
  const parts: string[] = PRESETS.filter((p) => isOn(f, p)).map((p) => (p === 'bassboost' ? `${LABELS[p]} (${f.bassboost ?? ''})` : LABELS[p]));
  if (f.equalizer !== undefined) parts.push('Equalizer');
  if (f.speed !== undefined) parts.push(`Speed ×${f.speed}`);
  if (f.pitch !== undefined) parts.push(`Pitch ×${f.pitch}`);
  if (f.rate !== undefined) parts.push(`Rate ×${f.rate}`);
  return parts.length === 0 ? 'None' : parts.join(', ');
}

export function FiltersCard({ can, actions, version }: { readonly can: Can; readonly actions: GuildActions; readonly version: number }) {
  const [filters, setFilters] = useState<Filters | undefined>(undefined);
  const allowed = permission(can, 'filters');
  const last = useRef(Number.NEGATIVE_INFINITY);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    const read = (): void => {
      last.current = performance.now();
      get(FiltersView, `${actions.base}/filters`).then(
        (v) => setFilters(v.filters),
        // Shown as it was: the controls still work, and their answer says what is on.
        () => undefined,
      );
    };
    const wait = last.current + REFRESH_MS - performance.now();
    window.clearTimeout(timer.current);
    if (wait <= 0) read();
    else timer.current = window.setTimeout(read, wait);
  }, [actions.base, version]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const change = async (body: unknown): Promise<void> => {
    const v = await actions.sendFor(FiltersView, 'PATCH', '/filters', body);
    if (v !== undefined) setFilters(v.filters);
  };

  return (
    <section class="card filters" aria-labelledby="filters-heading">
      <h2 id="filters-heading">Filters</h2>
      <p class="hint" data-testid="filters-current">
        On: {filters === undefined ? 'unknown' : describe(filters)}
      </p>
      <div class="chips" role="group" aria-label="Filter presets">
        {PRESETS.map((name) => {
          const on = filters !== undefined && isOn(filters, name);
          return (
            <button
              key={name}
              type="button"
              class={`chip ${on ? 'is-on' : ''} ${allowed.allowed ? '' : 'is-disabled'}`}
              data-testid={`filter-${name}`}
              aria-pressed={on}
              aria-disabled={allowed.allowed ? undefined : 'true'}
              title={allowed.reason ?? (on ? `Turn ${LABELS[name]} off` : `Turn ${LABELS[name]} on`)}
              onClick={() => {
                if (allowed.allowed) void change(on ? { kind: 'off', part: name } : { kind: 'preset', name });
              }}
            >
              {LABELS[name]}
            </button>
          );
        })}
        <button
          type="button"
          class={`chip ${allowed.allowed ? '' : 'is-disabled'}`}
          data-testid="filters-off"
          aria-disabled={allowed.allowed ? undefined : 'true'}
          title={allowed.reason ?? 'Turn every filter off'}
          onClick={() => {
            if (allowed.allowed) void change({ kind: 'off' });
          }}
        >
          All off
        </button>
      </div>
    </section>
  );
}
