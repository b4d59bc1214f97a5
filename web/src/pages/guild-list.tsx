/** The member's guilds that hiqty is in, each with what it plays. */
import { useEffect, useState } from 'preact/hooks';
import { API, get, Refusal } from '../api/client';
import { GuildList, type GuildCard } from '../api/codecs';
import { Artwork } from '../artwork';
import { onLinkClick } from '../router';

const STATE_LABELS: Readonly<Record<string, string>> = { playing: 'Playing', paused: 'Paused', stopped: 'Stopped' };

function Card({ g }: { readonly g: GuildCard }) {
  const href = `/dashboard/guilds/${g.id}`;
  return (
    <li>
      <a class="card guild-card" data-testid="guild-card" data-guild={g.id} href={href} onClick={onLinkClick(href)}>
        <span class="guild-head">
          {g.iconUrl === null ? (
            <span class="guild-icon guild-icon-none" aria-hidden="true">
              {g.name.slice(0, 1).toUpperCase()}
            </span>
          ) : (
            <img class="guild-icon" src={g.iconUrl} alt="" referrerpolicy="no-referrer" />
          )}
          <span class="guild-name">{g.name}</span>
          <span class={`badge state-${g.state}`}>{g.nowPlaying === null ? 'Idle' : (STATE_LABELS[g.state] ?? g.state)}</span>
        </span>
        <span class="guild-np">
          <Artwork class="guild-art" src={g.nowPlaying?.artworkUrl} />
          <span class="guild-np-text">
            <span class="guild-np-title">{g.nowPlaying === null ? 'Nothing playing' : g.nowPlaying.title}</span>
            <span class="guild-np-meta">
              {[g.nowPlaying?.artist ?? undefined, g.queueLength === 0 ? 'queue empty' : `${g.queueLength} in the queue`].filter((x) => x !== undefined).join(' · ')}
            </span>
          </span>
        </span>
      </a>
    </li>
  );
}

export function GuildListPage() {
  const [guilds, setGuilds] = useState<readonly GuildCard[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    document.title = 'Your servers · hiqty';
    get(GuildList, `${API}/guilds`).then(
      (l) => setGuilds(l.guilds),
      (e: unknown) => setError(e instanceof Refusal ? e.message : 'The list of servers could not be read.'),
    );
  }, []);
  return (
    <main id="main" class="page guilds-page">
      <h1>Your servers</h1>
      {error === undefined ? null : <p class="error-text">{error}</p>}
      {guilds === undefined && error === undefined ? <p class="hint">Loading…</p> : null}
      {guilds !== undefined && guilds.length === 0 ? <p class="empty">hiqty is in none of your servers yet. Invite it to one, then come back.</p> : null}
      {guilds === undefined || guilds.length === 0 ? null : (
        <ul class="guild-grid">
          {guilds.map((g) => (
            <Card key={g.id} g={g} />
          ))}
        </ul>
      )}
    </main>
  );
}
