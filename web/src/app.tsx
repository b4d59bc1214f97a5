/** The shell: who is logged in, the theme toggle, logout, and the page the path names. */
import { useEffect, useState } from 'preact/hooks';
import { logout, me, Refusal } from './api/client';
import type { Me } from './api/codecs';
import { Icon } from './icons';
import { GuildListPage } from './pages/guild-list';
import { GuildPage } from './pages/guild-page';
import { onLinkClick, useRoute } from './router';
import { chooseTheme, currentTheme, followSystemTheme, type Theme } from './theme';
import { toast, Toasts } from './toast';

export function App() {
  const route = useRoute();
  const [user, setUser] = useState<Me['user'] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [theme, setTheme] = useState<Theme>(currentTheme);
  const [signedOut, setSignedOut] = useState(false);
  useEffect(() => followSystemTheme(setTheme), []);
  useEffect(() => {
    me().then(
      (m) => setUser(m.user),
      (e: unknown) => setError(e instanceof Refusal ? e.message : 'The dashboard could not start.'),
    );
  }, []);

  const toggleTheme = (): void => {
    const next = theme === 'dark' ? 'light' : 'dark';
    chooseTheme(next);
    setTheme(next);
  };
  const signOut = async (): Promise<void> => {
    try {
      await logout();
      setSignedOut(true);
    } catch (e) {
      toast(e instanceof Refusal ? e.message : 'Logging out failed. Try again.');
    }
  };

  if (signedOut)
    return (
      <main id="main" class="page signed-out">
        <h1>You are logged out</h1>
        <p>
          <a class="control primary" href="/dashboard/login">
            Log in again
          </a>
        </p>
      </main>
    );

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/dashboard/" onClick={onLinkClick('/dashboard/')}>
          hiqty
        </a>
        {route.page === 'guild' ? (
          <a class="crumb" href="/dashboard/" onClick={onLinkClick('/dashboard/')} data-testid="back">
            Servers
          </a>
        ) : null}
        <span class="spacer" />
        {user === undefined ? null : (
          <span class="user" data-testid="user">
            {user.avatarUrl === null ? null : <img class="avatar" src={user.avatarUrl} alt="" referrerpolicy="no-referrer" />}
            <span class="user-name">{user.name}</span>
          </span>
        )}
        <button
          type="button"
          class="control icon-button"
          data-testid="theme-toggle"
          aria-pressed={theme === 'dark'}
          aria-label="Dark theme"
          title={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
          onClick={toggleTheme}
        >
          <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
        </button>
        <button type="button" class="control" data-testid="logout" onClick={() => void signOut()}>
          Log out
        </button>
      </header>
      {error !== undefined ? (
        <main id="main" class="page">
          <p class="error-text">{error}</p>
        </main>
      ) : user === undefined ? (
        <main id="main" class="page">
          <p class="hint">Loading…</p>
        </main>
      ) : route.page === 'guild' ? (
        <GuildPage key={route.id} id={route.id} />
      ) : (
        <GuildListPage />
      )}
      <Toasts />
    </>
  );
}
