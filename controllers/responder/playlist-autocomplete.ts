/**
 * Autocomplete of /playlist's `name`: the member's own playlists, or the server's with scope:server,
 * whose names contain what was typed. It reads only the hash's fields (the names' lookup keys, in lower
 * case), never the playlists, so a keystroke costs one HKEYS. Known limit: the choices therefore show the
 * names in lower case; lookups ignore case, so choosing one finds the playlist.
 */
import { isLeft } from 'fp-ts/Either';
import * as ops from '../../src/ops';
import type { OpsDeps } from '../../src/ops';
import type { PlaylistOwner } from '../../src/state';
import type { Choice } from './results';

/** Discord shows at most 25 choices. */
const MAX_CHOICES = 25;

export async function playlistChoices(deps: OpsDeps, owner: PlaylistOwner, typed: string): Promise<Choice[]> {
  const r = await ops.playlistKeys(deps)({ owner })();
  if (isLeft(r)) return [];
  const needle = typed.normalize('NFKC').trim().toLowerCase();
  const starts = r.right.filter((key) => key.startsWith(needle));
  const contains = r.right.filter((key) => !key.startsWith(needle) && key.includes(needle));
  return [...starts, ...contains].slice(0, MAX_CHOICES).map((key) => ({ name: key, value: key }));
}
