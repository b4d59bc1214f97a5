/**
 * The InnerTube clients hiqty may ask for a video's formats, as data. Which clients YouTube serves
 * direct media URLs to changes every few months; the order lives in HIQTY_YOUTUBE_CLIENTS, and the
 * versions and user agents come from youtubei.js (client-agents.ts), which keeps them current. This
 * file imports nothing, so the configuration can check the order without loading youtubei.js.
 */

export interface YoutubeClient {
  /** The name in HIQTY_YOUTUBE_CLIENTS, and the `client` option youtubei.js takes. */
  readonly id: 'ANDROID_VR' | 'IOS' | 'ANDROID' | 'VISIONOS' | 'WEB' | 'MWEB' | 'TV' | 'WEB_EMBEDDED';
  /**
   * Its formats come with `signatureCipher` (and an `n` parameter) that only YouTube's player
   * JavaScript can solve. hiqty never evaluates remote code in-process, so these stay off.
   */
  readonly needsPlayerJs: boolean;
  /** googlevideo wants a PO token (`pot=`) on its media URLs, or throttles or refuses them. */
  readonly needsPoToken: boolean;
}

export const YOUTUBE_CLIENTS: readonly YoutubeClient[] = [
  { id: 'ANDROID_VR', needsPlayerJs: false, needsPoToken: false },
  { id: 'IOS', needsPlayerJs: false, needsPoToken: true },
  { id: 'ANDROID', needsPlayerJs: false, needsPoToken: true },
  { id: 'VISIONOS', needsPlayerJs: false, needsPoToken: false },
  { id: 'WEB', needsPlayerJs: true, needsPoToken: true },
  { id: 'MWEB', needsPlayerJs: true, needsPoToken: true },
  { id: 'TV', needsPlayerJs: true, needsPoToken: false },
  { id: 'WEB_EMBEDDED', needsPlayerJs: true, needsPoToken: false },
];

/** Default HIQTY_YOUTUBE_CLIENTS: ANDROID_VR,IOS,ANDROID — the clients that get direct URLs without player JavaScript. */
export const DEFAULT_YOUTUBE_CLIENT_ORDER: readonly YoutubeClient['id'][] = ['ANDROID_VR', 'IOS', 'ANDROID'];

export function youtubeClient(id: string): YoutubeClient | undefined {
  return YOUTUBE_CLIENTS.find((c) => c.id === id.trim().toUpperCase());
}

/** Parses a client order: names from the table, none needing player JavaScript. A reason when not. */
export function parseClientOrder(text: string): { readonly ok: readonly YoutubeClient[] } | { readonly error: string } {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) return { error: 'the list is empty' };
  const out: YoutubeClient[] = [];
  for (const name of names) {
    const client = youtubeClient(name);
    if (client === undefined) return { error: `"${name}" is not a known client (known: ${YOUTUBE_CLIENTS.map((c) => c.id).join(', ')})` };
    if (client.needsPlayerJs) {
      return { error: `${client.id} needs YouTube's player JavaScript to unlock its media URLs, and hiqty does not run remote code; use ${DEFAULT_YOUTUBE_CLIENT_ORDER.join(',')}` };
    }
    if (!out.includes(client)) out.push(client);
  }
  return { ok: out };
}

export function defaultClientOrder(): readonly YoutubeClient[] {
  return DEFAULT_YOUTUBE_CLIENT_ORDER.map((id) => YOUTUBE_CLIENTS.find((c) => c.id === id)).filter((c): c is YoutubeClient => c !== undefined);
}
