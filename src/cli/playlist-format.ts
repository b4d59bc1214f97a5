/** Human output of `hiqty playlist`: from the same JSON that `--json` prints (a PlaylistsView, a LoadedPlaylist). */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { formatDuration } from '../ops';
import { table } from './format';

const PlaylistsDisplay = t.type({
  owner: t.union([t.type({ kind: t.literal('server'), guild: t.string }), t.type({ kind: t.literal('user'), user: t.string })]),
  playlists: t.array(t.type({ name: t.string, tracks: t.number, durationMs: t.number, knownDurations: t.number, updatedAt: t.number, createdBy: t.type({ id: t.string, name: t.string }) })),
  quarantined: t.array(t.type({ key: t.string, reason: t.string })),
  maxPlaylists: t.number,
});

const LoadedDisplay = t.type({ name: t.string, tracks: t.array(t.unknown), position: t.number, startsNow: t.boolean });

function shape<A>(codec: t.Type<A, unknown, unknown>, value: unknown): A {
  const r = codec.decode(value);
  // Both modes produce this JSON themselves; a mismatch is a bug or a different hiqty version.
  if (isLeft(r)) throw new Error(`unexpected answer shape for ${codec.name}`);
  return r.right;
}

/** `hiqty playlist list`: one row per playlist, then the ones set aside as damaged. */
export function formatPlaylists(value: unknown): string {
  const v = shape(PlaylistsDisplay, value);
  const whose = v.owner.kind === 'server' ? `Guild ${v.owner.guild}` : `User ${v.owner.user}`;
  const head = `${whose}: ${v.playlists.length} of ${v.maxPlaylists} playlists.`;
  const rows = v.playlists.map((p) => [p.name, String(p.tracks), `${formatDuration(p.durationMs)}${p.knownDurations < p.tracks ? '+' : ''}`, p.createdBy.name, new Date(p.updatedAt).toISOString().slice(0, 16).replace('T', ' ')]);
  const lines = [head];
  if (rows.length > 0) lines.push('', table(['NAME', 'TRACKS', 'LENGTH', 'BY', 'UPDATED'], rows));
  for (const q of v.quarantined) lines.push(`Set aside as damaged (in the playlist quarantine): ${q.key}: ${q.reason}`);
  return lines.join('\n');
}

export function formatLoaded(value: unknown): string {
  const v = shape(LoadedDisplay, value);
  const n = v.tracks.length;
  return `Loaded ${v.name}: ${n} ${n === 1 ? 'track' : 'tracks'}${v.startsNow ? ', playing now' : ` from position ${v.position}`}.`;
}
