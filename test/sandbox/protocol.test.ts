/**
 * The sandbox's Discord rules, checked with hand-driven clients: acknowledgement deadline and
 * double acknowledgement, unknown routes, sharding, interaction delivery, resume refusal, voice
 * takeover with 4014, stale packets and decrypt failures.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { ManualClock } from '../../src/clock';
import { demoGuilds, InteractionError, shardOf, startSandbox, trustSandboxCa, type Sandbox } from '../../src/sandbox';
import { rawSession, rawVoice, type RawSession } from './raw-client';
import { waitFor } from '../support/wait';

const AUDIO = Buffer.from([0xfc, 0xff, 0xfe, 0x01, 0x02, 0x03]);

async function post(url: string, body: unknown, token?: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bot ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

function field(u: unknown, key: string): unknown {
  return typeof u === 'object' && u !== null ? Object.entries(u).find(([k]) => k === key)?.[1] : undefined;
}

describe('sandbox protocol rules', function () {
  this.timeout(15_000);
  const open: Array<{ close(): void }> = [];
  let sb: Sandbox | undefined;

  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    await sb?.stop();
    sb = undefined;
  });

  async function session(s: Sandbox, shard?: [number, number]): Promise<RawSession> {
    const r = await rawSession(s, shard);
    open.push(r);
    return r;
  }

  describe('REST', () => {
    it('answers an unknown route with 404, loudly, and a wrong token with 401', async () => {
      const s = (sb = await startSandbox());
      const unknown = once(s.events, 'unknown-route');
      const res = await fetch(`${s.apiBase}/v10/guilds/${s.guilds[0]?.id}/bans`, { headers: { authorization: `Bot ${s.token}` } });
      assert.equal(res.status, 404);
      assert.deepEqual(await unknown, [{ method: 'GET', path: `/guilds/${s.guilds[0]?.id}/bans` }]);
      const wrong = await fetch(`${s.apiBase}/v10/gateway/bot`, { headers: { authorization: 'Bot nope' } });
      assert.equal(wrong.status, 401);
      const right = await fetch(`${s.apiBase}/v10/gateway/bot`, { headers: { authorization: `Bot ${s.token}` } });
      assert.equal(field(await right.json(), 'url'), s.gatewayUrl);
    });

    it('answers a callback after the deadline with 404 code 10062, and the command rejects', async () => {
      const clock = new ManualClock();
      const s = (sb = await startSandbox({ clock }));
      const bot = await session(s);
      const guild = s.guilds[0];
      assert.ok(guild?.members[0]);
      const seen = s.command(guild.id, guild.members[0].id, 'ping');
      const rejected = assert.rejects(seen, (err: unknown) => err instanceof InteractionError && err.code === 10062);
      const interaction = await bot.nextDispatch('INTERACTION_CREATE');
      await clock.advance(2999);
      await clock.advance(1);
      await rejected;
      const late = await post(`${s.apiBase}/v10/interactions/${String(interaction.id)}/${String(interaction.token)}/callback`, { type: 4, data: { content: 'late' } });
      assert.equal(late.status, 404);
      assert.equal(field(late.json, 'code'), 10062);
    });

    it('answers 204 to the first acknowledgement and 400 code 40060 to the second', async () => {
      const s = (sb = await startSandbox({ ackDeadlineMs: 1000 }));
      const bot = await session(s);
      const guild = s.guilds[0];
      assert.ok(guild?.members[0]);
      const errors: unknown[] = [];
      s.events.on('interaction-error', (e) => errors.push(e));
      const seen = s.command(guild.id, guild.members[0].id, 'ping', { loud: true });
      const interaction = await bot.nextDispatch('INTERACTION_CREATE');
      assert.deepEqual(field(interaction.data, 'options'), [{ name: 'loud', type: 5, value: true }]);
      const url = `${s.apiBase}/v10/interactions/${String(interaction.id)}/${String(interaction.token)}/callback`;
      const first = await post(url, { type: 4, data: { content: 'pong', flags: 64 } });
      const second = await post(url, { type: 4, data: { content: 'pong again' } });
      assert.equal(first.status, 204);
      assert.equal(second.status, 400);
      assert.equal(field(second.json, 'code'), 40060);
      const view = await seen;
      assert.equal(view.content, 'pong');
      assert.equal(view.ephemeral, true);
      assert.deepEqual(
        s.interaction(view.interactionId)?.errors.map((e) => e.code),
        [40060],
      );
      assert.equal(field(errors[0], 'code'), 40060);
    });
  });

  describe('gateway', () => {
    it('reports two shards and dispatches each guild on shard (id >> 22) % 2', async () => {
      const guilds = demoGuilds(4);
      const s = (sb = await startSandbox({ shards: 2, guilds }));
      const info = await fetch(`${s.apiBase}/v10/gateway/bot`, { headers: { authorization: `Bot ${s.token}` } }).then((r) => r.json());
      assert.equal(field(info, 'shards'), 2);
      const shard0 = await session(s, [0, 2]);
      const shard1 = await session(s, [1, 2]);
      const expected = (n: number): string[] => guilds.filter((g) => Number((BigInt(g.id) >> 22n) % 2n) === n).map((g) => g.id);
      assert.deepEqual(expected(0).length, 2, 'the demo guilds spread over both shards');
      await waitFor('guild creates', () => shard0.dispatches('GUILD_CREATE').length === 2 && shard1.dispatches('GUILD_CREATE').length === 2);
      assert.deepEqual(shard0.dispatches('GUILD_CREATE').map((g) => g.id), expected(0));
      assert.deepEqual(shard1.dispatches('GUILD_CREATE').map((g) => g.id), expected(1));
      for (const g of guilds) assert.equal(shardOf(g.id, 2), expected(0).includes(g.id) ? 0 : 1);
      // Events of a guild on shard 1 reach only shard 1.
      const g1 = guilds.find((g) => expected(1).includes(g.id));
      assert.ok(g1?.members[1] && g1.voiceChannels[0]);
      s.joinVoice(g1.id, g1.members[1].id, g1.voiceChannels[0].id);
      await shard1.nextDispatch('VOICE_STATE_UPDATE', (d) => d.user_id === g1.members[1]?.id);
      assert.equal(shard0.dispatches('VOICE_STATE_UPDATE').length, 0);
    });

    it('rejects an identify with the wrong shard count', async () => {
      const s = (sb = await startSandbox({ shards: 2 }));
      await assert.rejects(rawSession(s, [0, 1]), /closed the session with 4011/);
    });

    it('runs several sessions on one shard; interactions go to all of them by default, or to one', async () => {
      for (const delivery of ['all', 'one'] as const) {
        const s = (sb = await startSandbox({ interactionDelivery: delivery, ackDeadlineMs: 200 }));
        const a = await session(s);
        const b = await session(s);
        assert.equal(s.sessions().length, 2);
        assert.notEqual(a.sessionId, b.sessionId);
        const guild = s.guilds[0];
        assert.ok(guild?.members[0]);
        await s.command(guild.id, guild.members[0].id, 'ping').catch(() => undefined);
        const received = a.dispatches('INTERACTION_CREATE').length + b.dispatches('INTERACTION_CREATE').length;
        assert.equal(received, delivery === 'all' ? 2 : 1, delivery);
        for (const c of open.splice(0)) c.close();
        await s.stop();
        sb = undefined;
      }
    });

    it('answers a resume with invalid session (d: false)', async () => {
      const s = (sb = await startSandbox());
      const a = await session(s);
      a.queue.send(6, { token: s.token, session_id: a.sessionId, seq: 3 });
      const invalid = await a.queue.next((f) => f.op === 9);
      assert.equal(invalid.d, false);
    });

    it('dispatches VOICE_STATE_UPDATE when users join and leave voice', async () => {
      const s = (sb = await startSandbox());
      const a = await session(s);
      const guild = s.guilds[0];
      const bob = guild?.members[1];
      assert.ok(guild && bob && guild.voiceChannels[1]);
      s.joinVoice(guild.id, bob.id, guild.voiceChannels[1].id);
      const joined = await a.nextDispatch('VOICE_STATE_UPDATE', (d) => d.user_id === bob.id);
      assert.equal(joined.channel_id, guild.voiceChannels[1].id);
      const from = a.queue.frames.length;
      s.leaveVoice(guild.id, bob.id);
      const left = await a.nextDispatch('VOICE_STATE_UPDATE', (d) => d.user_id === bob.id, 5000, from);
      assert.equal(left.channel_id, null);
    });
  });

  describe('voice', () => {
    it('counts a corrupted packet as a decrypt failure, in both modes', async () => {
      for (const mode of ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const) {
        const s = (sb = await startSandbox({ voiceModes: [mode] }));
        trustSandboxCa(s.caCertPem);
        const guild = s.guilds[0];
        assert.ok(guild?.voiceChannels[0]);
        const voice = await rawVoice(await session(s), guild.id, guild.voiceChannels[0].id, { dave: s.daveMode === 'required' });
        open.push(voice);
        assert.equal(voice.mode, mode);
        for (let i = 0; i < 5; i++) voice.send(AUDIO);
        voice.send(AUDIO, { corrupt: true });
        voice.send(AUDIO);
        await waitFor('7 packets', () => {
          const st = s.voiceStats(guild.id, { flush: false });
          return st.frames + st.decryptFailures === 7;
        });
        const stats = s.voiceStats(guild.id);
        assert.equal(stats.frames, 6, mode);
        assert.equal(stats.decryptFailures, 1, mode);
        for (const c of open.splice(0)) c.close();
        await s.stop();
        sb = undefined;
      }
    });

    it('closes the first session with 4014 when a second one joins, and counts its later packets as stale', async () => {
      const s = (sb = await startSandbox());
      trustSandboxCa(s.caCertPem);
      const guild = s.guilds[0];
      assert.ok(guild?.voiceChannels[0]);
      const a = await session(s);
      const b = await session(s);
      const first = await rawVoice(a, guild.id, guild.voiceChannels[0].id, { dave: s.daveMode === 'required' });
      open.push(first);
      first.send(AUDIO);
      await waitFor('first frame', () => s.voiceStats(guild.id, { flush: false }).frames === 1);
      const takeover = once(s.events, 'voice-takeover');
      const second = await rawVoice(b, guild.id, guild.voiceChannels[0].id, { dave: s.daveMode === 'required' });
      open.push(second);
      assert.equal(await first.closed, 4014);
      assert.deepEqual(await takeover, [{ guildId: guild.id, sessionId: a.sessionId, code: 4014 }]);
      assert.equal(s.botVoice(guild.id)?.sessionId, b.sessionId);
      first.send(AUDIO);
      first.send(AUDIO);
      second.send(AUDIO);
      await waitFor('4 packets', () => {
        const st = s.voiceStats(guild.id, { flush: false });
        return st.frames + st.stalePackets === 4;
      });
      const stats = s.voiceStats(guild.id);
      assert.equal(stats.stalePackets, 2);
      assert.equal(stats.frames, 2);
      assert.deepEqual(stats.framesBySession, { [a.sessionId]: 1, [b.sessionId]: 1 });
    });

    it('reports a leave payload and disconnects the owner even when another session sent it', async () => {
      const s = (sb = await startSandbox());
      trustSandboxCa(s.caCertPem);
      const guild = s.guilds[0];
      assert.ok(guild?.voiceChannels[0]);
      const a = await session(s);
      const b = await session(s);
      const owner = await rawVoice(b, guild.id, guild.voiceChannels[0].id, { dave: s.daveMode === 'required' });
      open.push(owner);
      const leave = once(s.events, 'voice-leave');
      a.queue.send(4, { guild_id: guild.id, channel_id: null, self_mute: false, self_deaf: false });
      assert.deepEqual(await leave, [{ guildId: guild.id, sessionId: a.sessionId }]);
      assert.equal(await owner.closed, 4014);
      assert.equal(s.botVoice(guild.id), undefined);
    });
  });
});
