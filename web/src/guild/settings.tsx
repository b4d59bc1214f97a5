/** The guild's settings, for members the policy lets change them (Manage Server): shown only to them. */
import { useEffect, useState } from 'preact/hooks';
import type { DashboardGuild } from '../api/codecs';
import { LOCALE_NAMES, LOCALES } from '../../../src/i18n/locales';
import { toast } from '../toast';
import type { GuildActions } from './actions';

interface Form {
  djRole: string;
  maxQueue: string;
  maxPerUser: string;
  announceChannel: string;
  language: string;
}

const formOf = (d: DashboardGuild): Form => ({
  djRole: d.view.settings.djRole ?? '',
  maxQueue: d.view.settings.maxQueue === null ? '' : String(d.view.settings.maxQueue),
  maxPerUser: d.view.settings.maxPerUser === null ? '' : String(d.view.settings.maxPerUser),
  announceChannel: d.view.textChannel ?? '',
  language: d.view.settings.language ?? '',
});

/** Only what changed, with "" meaning back to the default (null). */
function patchOf(before: Form, after: Form): Record<string, string | number | null> | string {
  const patch: Record<string, string | number | null> = {};
  const text = (k: 'djRole' | 'announceChannel' | 'language') => {
    if (after[k] !== before[k]) patch[k] = after[k] === '' ? null : after[k];
  };
  text('djRole');
  text('announceChannel');
  text('language');
  for (const k of ['maxQueue', 'maxPerUser'] as const) {
    if (after[k] === before[k]) continue;
    if (after[k].trim() === '') patch[k] = null;
    else {
      const n = Number(after[k]);
      if (!Number.isInteger(n) || n < 1) return `${k === 'maxQueue' ? 'Max queue' : 'Max per member'} must be a whole number of at least 1, or empty for the default.`;
      patch[k] = n;
    }
  }
  return patch;
}

export function Settings({ data, actions }: { readonly data: DashboardGuild; readonly actions: GuildActions }) {
  const saved = formOf(data);
  const [form, setForm] = useState<Form>(saved);
  const key = JSON.stringify(saved);
  // Someone else's save (or a slash command) shows here too.
  useEffect(() => setForm(saved), [key]);
  const set = (k: keyof Form) => (e: Event) => {
    const target = e.currentTarget;
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement) setForm({ ...form, [k]: target.value });
  };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const patch = patchOf(saved, form);
    if (typeof patch === 'string') return toast(patch);
    if (Object.keys(patch).length === 0) return toast('Nothing changed.', 'info');
    if (await actions.send('PATCH', '/settings', patch)) toast('Settings saved.', 'info');
  };
  return (
    <section class="card settings" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      <form class="settings-form" onSubmit={(e) => void submit(e)}>
        <label class="field">
          <span class="field-label">DJ role</span>
          <select data-testid="setting-dj-role" value={form.djRole} onChange={set('djRole')}>
            <option value="">None (everyone may control)</option>
            {data.roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">Max queue (default {data.view.settings.effectiveMaxQueue})</span>
          <input data-testid="setting-max-queue" type="number" min={1} inputMode="numeric" value={form.maxQueue} placeholder="default" onInput={set('maxQueue')} />
        </label>
        <label class="field">
          <span class="field-label">Max tracks per member</span>
          <input data-testid="setting-max-per-user" type="number" min={1} inputMode="numeric" value={form.maxPerUser} placeholder="no limit" onInput={set('maxPerUser')} />
        </label>
        <label class="field">
          <span class="field-label">Announce channel</span>
          <select data-testid="setting-announce" value={form.announceChannel} onChange={set('announceChannel')}>
            <option value="">Where the music was started</option>
            {data.textChannels.map((c) => (
              <option key={c.id} value={c.id}>
                #{c.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">Language</span>
          <select data-testid="setting-language" value={form.language} onChange={set('language')}>
            <option value="">The server's Discord language</option>
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {LOCALE_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="control primary" data-testid="settings-save">
          Save settings
        </button>
      </form>
    </section>
  );
}
