/** The dashboard's paths, in one place: the routes, redirects and cookies all name them from here. */
export const DASHBOARD_PREFIX = '/dashboard';
export const LOGIN_PATH = `${DASHBOARD_PREFIX}/login`;
export const CALLBACK_PATH = `${DASHBOARD_PREFIX}/callback`;
export const HOME_PATH = `${DASHBOARD_PREFIX}/`;

/** The redirect URI registered with Discord: exactly `${HIQTY_DASHBOARD_URL}/dashboard/callback`. */
export function redirectUri(origin: string): string {
  return `${origin}${CALLBACK_PATH}`;
}
