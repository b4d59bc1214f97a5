/**
 * The user agent each client sends, from youtubei.js's client constants. Media requests carry it too:
 * googlevideo checks that media is fetched by the kind of client it was issued to.
 */
import { Constants } from 'youtubei.js';
import type { YoutubeClient } from './clients';

const C = Constants.CLIENTS;
const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36';

const AGENTS: Readonly<Record<YoutubeClient['id'], string>> = {
  ANDROID_VR: C.ANDROID_VR.USER_AGENT,
  IOS: C.IOS.USER_AGENT,
  ANDROID: C.ANDROID.USER_AGENT,
  VISIONOS: C.VISIONOS.USER_AGENT,
  WEB: BROWSER_UA,
  MWEB: BROWSER_UA,
  TV: C.TV.USER_AGENT,
  WEB_EMBEDDED: BROWSER_UA,
};

export function userAgentOf(client: YoutubeClient): string {
  return AGENTS[client.id];
}
