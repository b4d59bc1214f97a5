/**
 * Audio filters: the presets /filter offers, each a toggle, and "all off". What is on comes from the
 * answer of the last change (the guild view does not carry the filters), so it is read once on open
 * where the server offers GET filters, and after each change.
 */
import { useEffect, useState } from 'preact/hooks';
import { isLeft } from 'fp-ts/Either';
import { FiltersView, type Filters } from '../api/codecs';
import { PRESETS, type PresetName } from '../../../src/filters/model';
import { permission, type Can, type GuildActions } from './actions';

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

export function FiltersCard({ can, actions }: { readonly can: Can; readonly actions: GuildActions }) {
  const [filters, setFilters] = useState<Filters | undefined>(undefined);
  const allowed = permission(can, 'filters');
  useEffect(() => {
    // Not in the contract's list of reads: tried, and where the server has no such route the current
    // filters show after the first change instead.
    let live = true;
    fetch(`${actions.base}/filters`, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : undefined))
      .then((body: unknown) => {
        const v = FiltersView.decode(body);
        if (live && !isLeft(v)) setFilters(v.right.filters);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [actions.base]);

  const change = async (body: unknown): Promise<void> => {
    const v = await actions.sendFor(FiltersView, 'PATCH', '/filters', body);
    if (v !== undefined) setFilters(v.filters);
  };

  return (
    <section class="card filters" aria-labelledby="filters-heading">
      <h2 id="filters-heading">Filters</h2>
      <p class="hint" data-testid="filters-current">
        On: {filters === undefined ? 'unknown until you change one' : describe(filters)}
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
