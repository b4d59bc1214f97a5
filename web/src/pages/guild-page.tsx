/**
 * One guild: loaded once, then kept live by its SSE stream. Every control is enabled or not by `can`
 * (the server's policy); the server checks again on every write.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { API, get, Refusal } from '../api/client';
import { DashboardGuild } from '../api/codecs';
import { watchGuild, type Connection } from '../api/events';
import { guildActions } from '../guild/actions';
import { FiltersCard } from '../guild/filters';
import { History } from '../guild/history';
import { NowPlaying } from '../guild/now-playing';
import { Quarantine } from '../guild/quarantine';
import { Queue } from '../guild/queue';
import { Search } from '../guild/search';
import { Settings } from '../guild/settings';
import { onLinkClick } from '../router';

interface Loaded {
  readonly data: DashboardGuild;
  /** performance.now() at arrival: the position bar counts from it. */
  readonly at: number;
}

const CONNECTION_LABELS: Readonly<Record<Connection, string>> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

export function GuildPage({ id }: { readonly id: string }) {
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [connection, setConnection] = useState<Connection>('connecting');
  const actions = useMemo(() => guildActions(id), [id]);

  useEffect(() => {
    setLoaded(undefined);
    setError(undefined);
    let stream: { close(): void } | undefined;
    let live = true;
    const show = (data: DashboardGuild): void => {
      if (live) setLoaded({ data, at: performance.now() });
    };
    get(DashboardGuild, `${API}/guilds/${encodeURIComponent(id)}`).then(
      (data) => {
        show(data);
        if (!live) return;
        stream = watchGuild(id, {
          guild: show,
          connection: (c) => live && setConnection(c),
          gone: (r) => live && setError(r.message),
        });
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof Refusal && e.status === 404 ? 'hiqty is not in this server, or you are not a member of it.' : e instanceof Refusal ? e.message : 'The server could not be read.');
      },
    );
    return () => {
      live = false;
      stream?.close();
    };
  }, [id]);

  useEffect(() => {
    if (loaded !== undefined) document.title = `${loaded.data.guild.name} · hiqty`;
  }, [loaded?.data.guild.name]);

  if (error !== undefined)
    return (
      <main id="main" class="page">
        <h1>Server not available</h1>
        <p class="error-text">{error}</p>
        <a href="/dashboard/" onClick={onLinkClick('/dashboard/')}>
          Back to your servers
        </a>
      </main>
    );
  if (loaded === undefined)
    return (
      <main id="main" class="page">
        <p class="hint">Loading…</p>
      </main>
    );
  const { data, at } = loaded;
  const settings = data.can.settings?.allowed === true;
  return (
    <main id="main" class="page guild-page">
      <div class="guild-title">
        <h1>{data.guild.name}</h1>
        <span class={`connection connection-${connection}`} data-testid="connection" role="status">
          {CONNECTION_LABELS[connection]}
        </span>
      </div>
      <div class="guild-layout">
        <div class="column column-main">
          <NowPlaying data={data} actions={actions} receivedAt={at} />
          <Search can={data.can} actions={actions} />
          <Queue data={data} actions={actions} />
        </div>
        <div class="column column-side">
          <FiltersCard can={data.can} actions={actions} version={at} />
          <History can={data.can} actions={actions} currentTrack={data.view.nowPlaying?.track.id} />
          <Quarantine can={data.can} actions={actions} length={data.view.quarantineLength} />
          {settings ? <Settings data={data} actions={actions} /> : null}
        </div>
      </div>
    </main>
  );
}
