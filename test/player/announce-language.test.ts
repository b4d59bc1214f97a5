/**
 * Issue 16, the guild's language, end to end through the real bot and discord.js against the sandbox:
 * announcements follow the guild's Discord `preferred_locale` (here French), `/settings language`
 * overrides it (German), the REST API sets it too (Japanese), and "follow the server" goes back to
 * French. The announcement is the one of a refused track (a private address is quarantined at once).
 * The registered commands carry their localizations, as Discord's API returns them.
 */
import { strict as assert } from 'node:assert';
import { demoGuild } from '../../src/sandbox';
import { guildKeys } from '../../src/state';
import { apiClient, field, TOKEN } from '../api/support';
import { useRedis } from '../support/redis';
import { Stage, type Bot } from '../support/stage';
import { waitFor } from '../support/wait';

describe('player: announcements in the guild\'s language', function () {
  this.timeout(60_000);
  const redis = useRedis();
  const spec = { ...demoGuild(0), preferredLocale: 'fr' };
  const keys = guildKeys(spec.id);
  const text = spec.textChannels[0]?.id ?? '';
  const alice = spec.members[0]?.id ?? '';
  let stage: Stage;
  let bot: Bot;
  let refused = 0;

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [spec] } });
    bot = await stage.startBot({ HIQTY_API_TOKEN: TOKEN });
    await stage.db.set(keys.text_channel, text);
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  /** Queues a link to a private address (quarantined as soon as it is tried) and returns the announcement about it. */
  async function refusedAnnouncement(): Promise<string> {
    refused += 1;
    const url = `http://10.9.8.${refused}/song-${refused}.mp3`;
    await stage.play([url]);
    const message = await waitFor(`the announcement of ${url}`, () => stage.sandbox.messages(text).find((m) => (m.content ?? '').includes(url)));
    return message.content ?? '';
  }

  it('a guild whose Discord language is French gets its announcements in French', async () => {
    const said = await refusedAnnouncement();
    assert.match(said, /^⚠️ \*\*http:\/\/10\.9\.8\.1\/song-1\.mp3\*\* passé : refused.*\. Le morceau a été mis en quarantaine ; la file d'attente continue\.$/);
    assert.doesNotMatch(said, /Skipped/);
  });

  it('/settings language:de switches them to German; the reply shows the setting', async () => {
    const view = await stage.sandbox.command(spec.id, alice, 'settings', { language: 'de' });
    assert.equal(view.ephemeral, true, view.content);
    assert.match(view.content, /Settings saved\.[\s\S]*\nAnnouncement language: Deutsch$/);
    assert.equal(await stage.db.hget(keys.settings, 'language'), 'de');
    assert.match(await refusedAnnouncement(), /^⚠️ \*\*http:\/\/10\.9\.8\.2\/song-2\.mp3\*\* übersprungen: refused.*\. Der Titel wurde in die Quarantäne verschoben; die Warteschlange läuft weiter\.$/);
  });

  it('the REST API sets it too (Japanese), and shows it in the guild\'s view', async () => {
    const api = apiClient(bot.httpPort);
    const patched = await api('PATCH', `/guilds/${spec.id}/settings`, { body: { language: 'ja' } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(field(patched.body, 'language'), 'ja');
    const bad = await api('PATCH', `/guilds/${spec.id}/settings`, { body: { language: 'klingon' } });
    assert.equal(bad.status, 400);
    assert.equal(await stage.db.hget(keys.settings, 'language'), 'ja', 'a refused body writes nothing');
    assert.match(await refusedAnnouncement(), /をスキップしました: refused.*隔離リストに移しました/);
  });

  it('"follow the server\'s Discord language" clears it: French again', async () => {
    const view = await stage.sandbox.command(spec.id, alice, 'settings', { language: 'server' });
    assert.match(view.content, /\nAnnouncement language: the server's Discord language$/);
    assert.equal(await stage.db.hexists(keys.settings, 'language'), 0);
    assert.match(await refusedAnnouncement(), / passé : refused/);
  });

  it('a garbage language in Redis is reported and read as absent: French, and the guild view lists it as corrupt', async () => {
    await stage.db.hset(keys.settings, 'language', 'klingon');
    assert.match(await refusedAnnouncement(), / passé : refused/);
    await bot.proc.waitForLine('the corrupt language logged', (l) => l.msg === "corrupt settings.language: announcing in the guild's Discord language" && l.raw === 'klingon');
    const view = await apiClient(bot.httpPort)('GET', `/guilds/${spec.id}`);
    const corrupt = field(view.body, 'corrupt');
    assert.ok(Array.isArray(corrupt) && corrupt.some((c) => field(c, 'where') === 'settings.language'), JSON.stringify(corrupt));
    assert.equal(field(view.body, 'settings', 'language'), null);
    await stage.db.hdel(keys.settings, 'language');
  });

  it('the commands were registered with their localizations, which GET returns only with_localizations=true', async () => {
    const settings = stage.sandbox.registeredCommands('global').find((c) => c.name === 'settings');
    assert.ok(settings);
    assert.match(String(field(settings, 'description_localizations', 'fr')), /Gérer le serveur/);
    const get = async (query: string): Promise<string> => {
      const r = await fetch(`${stage.sandbox.apiBase}/v10/applications/${stage.sandbox.applicationId}/commands${query}`, { headers: { authorization: `Bot ${stage.sandbox.token}` } });
      return r.text();
    };
    assert.match(await get('?with_localizations=true'), /"description_localizations":\{"en-US"/);
    assert.doesNotMatch(await get(''), /_localizations/);
  });
});
