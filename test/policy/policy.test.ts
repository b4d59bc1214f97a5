/** The one table of who may do what: each kind of row, decided from plain facts and a snapshot. */
import { strict as assert } from 'node:assert';
import { ACTIONS, authorize, authorizeInVoice, deniedMessage, mayEditServerPlaylists, mayRemoveOthers, RULES, skipMode, type Denied, type MemberFacts } from '../../src/policy';
import { translator } from '../../src/i18n';
import { DEFAULT_SETTINGS, type GuildSnapshot, type Track } from '../../src/state';

const MUSIC = '100';
const OTHER = '200';
const DJ = '300';

const track = (requester: string): Track => ({ id: 't1', url: 'https://example.com/a.mp3', title: 'A', requester: { id: requester, name: requester } });

function snapshot(over: { playing?: boolean; djRole?: string } = {}): GuildSnapshot {
  const playing = over.playing ?? true;
  return {
    guild: '1',
    playlist: playing ? [track('someone')] : [],
    head: undefined,
    playlistLength: playing ? 1 : 0,
    state: playing ? 'playing' : 'stopped',
    channel: playing ? MUSIC : undefined,
    textChannel: undefined,
    settings: { ...DEFAULT_SETTINGS, dj_role: over.djRole },
    lock: undefined,
    lockTtlMs: undefined,
    epoch: 0,
    status: undefined,
    quarantineLength: 0,
  };
}

function member(over: Partial<MemberFacts> = {}): MemberFacts {
  return { userId: 'u', voiceChannel: MUSIC, botVoiceChannel: MUSIC, roles: new Set(), manageGuild: false, ...over };
}

describe('policy', () => {
  it('lets a member in the music channel do every action without a DJ role or Manage Server, except settings', () => {
    for (const action of ACTIONS) {
      const v = authorize(action, member(), snapshot());
      assert.equal(v.kind, action === 'settings' ? 'not-manager' : 'ok', action);
    }
  });

  it('asks every voice action for a voice channel', () => {
    for (const action of ACTIONS.filter((a) => RULES[a].voice !== 'none')) {
      assert.equal(authorize(action, member({ voiceChannel: undefined }), snapshot()).kind, 'not-in-voice', action);
    }
  });

  it('binds controls to the music channel, but lets play follow the member to an idle guild', () => {
    const elsewhere = member({ voiceChannel: OTHER });
    assert.deepEqual(authorizeInVoice('pause', elsewhere, snapshot()), { kind: 'other-channel', memberChannel: OTHER, botChannel: MUSIC });
    assert.deepEqual(authorizeInVoice('play', elsewhere, snapshot()), { kind: 'other-channel', memberChannel: OTHER, botChannel: MUSIC });
    assert.deepEqual(authorizeInVoice('play', elsewhere, snapshot({ playing: false })), { kind: 'ok', channel: OTHER });
  });

  it('asks for the DJ role exactly on the rows that say so, once a DJ role is set', () => {
    const withRole = snapshot({ djRole: DJ });
    for (const action of ACTIONS.filter((a) => RULES[a].voice !== 'none')) {
      const v = authorize(action, member(), withRole);
      assert.equal(v.kind, RULES[action].dj ? 'not-dj' : 'ok', action);
      assert.equal(authorize(action, member({ roles: new Set([DJ]) }), withRole).kind, 'ok', action);
    }
  });

  it('needs Manage Server and, when set, the DJ role for settings, wherever the member is', () => {
    assert.equal(authorize('settings', member({ manageGuild: true, voiceChannel: undefined }), snapshot()).kind, 'ok');
    assert.equal(authorize('settings', member({ manageGuild: true }), snapshot({ djRole: DJ })).kind, 'not-dj');
    assert.equal(authorize('settings', member({ roles: new Set([DJ]) }), snapshot({ djRole: DJ })).kind, 'not-manager');
  });

  it('skips at once for a DJ, the requester or a member alone, and counts a vote otherwise', () => {
    const withRole = snapshot({ djRole: DJ });
    const head = track('requester');
    assert.equal(skipMode(member(), withRole, head, ['u', 'x']), 'vote');
    assert.equal(skipMode(member(), withRole, head, ['u']), 'direct');
    assert.equal(skipMode(member({ userId: 'requester' }), withRole, head, ['requester', 'x']), 'direct');
    assert.equal(skipMode(member({ roles: new Set([DJ]) }), withRole, head, ['u', 'x']), 'direct');
    assert.equal(skipMode(member(), snapshot(), head, ['u', 'x']), 'direct');
  });

  it('lets DJs remove others’ tracks, and managers or DJs edit server playlists', () => {
    assert.equal(mayRemoveOthers(member(), snapshot({ djRole: DJ })), false);
    assert.equal(mayRemoveOthers(member(), snapshot()), true);
    assert.equal(mayEditServerPlaylists(member(), snapshot()), false);
    assert.equal(mayEditServerPlaylists(member({ roles: new Set([DJ]) }), snapshot({ djRole: DJ })), true);
    assert.equal(mayEditServerPlaylists(member({ manageGuild: true }), snapshot()), true);
  });

  it('words a refusal with mentions for Discord and with names elsewhere', () => {
    const d: Denied = { kind: 'other-channel', memberChannel: OTHER, botChannel: MUSIC };
    const t = translator('en');
    assert.match(deniedMessage(d, t), /<#200>.*<#100>/);
    assert.match(deniedMessage(d, t, { channel: (id) => `#room-${id}`, role: (id) => `@${id}` }), /#room-200.*#room-100/);
  });
});
