/** Routing by path with history.pushState: /dashboard/ is the guild list, /dashboard/guilds/:id a guild. */
import { useEffect, useState } from 'preact/hooks';

export type Route = { readonly page: 'guilds' } | { readonly page: 'guild'; readonly id: string };

export function routeOf(pathname: string): Route {
  const m = /^\/dashboard\/guilds\/([0-9]{1,20})\/?$/.exec(pathname);
  return m?.[1] === undefined ? { page: 'guilds' } : { page: 'guild', id: m[1] };
}

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  listeners.forEach((l) => l());
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(routeOf(window.location.pathname));
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** A plain link that the app follows itself; a modified click (new tab) is left to the browser. */
export function onLinkClick(path: string) {
  return (event: MouseEvent): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };
}
