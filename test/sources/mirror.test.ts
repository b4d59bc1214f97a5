/**
 * Finding a song on another source (src/sources/mirror.ts) and playing it there (src/sources/elsewhere.ts),
 * with in-memory sources standing for YouTube and SoundCloud (the services' own behaviour is tested against
 * their fakes in the other suites, and end to end in test/services) and a real Redis for the fleet's cache.
 */
import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import type { PlanOutcome } from '../../src/media/plan';
import { SourceBreaker } from '../../src/sources/breaker';
import { mirroredSource, withFallback, type ElsewhereDeps } from '../../src/sources/elsewhere';
import { searchableTitle, songMirror, withinTolerance } from '../../src/sources/mirror';
import { SourceRegistry } from '../../src/sources/registry';
import type { MetadataSource, PlayableTrack, Source, SourceName, SourceTrack } from '../../src/sources/types';
import { redisSourceCache } from '../../src/state';
import { useRedis } from '../support/redis';

/** A source answering searches from a list, and opens from a rule; it records what it was asked. */
class ListSource implements Source {
  readonly searches: string[] = [];
  readonly opens: string[] = [];
  failSearch = false;
  refuse: string | undefined;

  constructor(
    readonly name: SourceName,
    readonly label: string,
    private readonly catalog: SourceTrack[],
  ) {}

  matches(url: URL): boolean {
    return url.hostname === `${this.name}.example`;
  }

  resolve(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }

  readonly search = (text: string): Promise<{ kind: 'results'; tracks: SourceTrack[] } | { kind: 'failed'; reason: string }> => {
    this.searches.push(text);
    if (this.failSearch) return Promise.resolve({ kind: 'failed', reason: 'HTTP 503' });
    const words = text.replace(/"/g, '').toLowerCase().split(' ');
    return Promise.resolve({ kind: 'results', tracks: this.catalog.filter((t) => words.every((w) => `${t.title} ${t.artist ?? ''} ${t.isrc ?? ''} ${t.sourceId ?? ''}`.toLowerCase().includes(w))) });
  };

  open(track: PlayableTrack): Promise<PlanOutcome> {
    this.opens.push(track.url);
    if (this.refuse !== undefined) return Promise.resolve({ kind: 'unplayable', reason: this.refuse });
    return Promise.resolve({ kind: 'plan', plan: { kind: 'file', url: `${track.url}.mp3` } });
  }
}

const song = (over: Partial<SourceTrack> & { url: string; title: string; source: SourceName }): SourceTrack => ({ artist: 'The Tones', durationMs: 200_000, ...over });

describe('sources: finding a song elsewhere (mirror and fallback)', () => {
  const redis = useRedis();
  let db: Redis;
  let youtube: ListSource;
  let soundcloud: ListSource;
  let breaker: SourceBreaker;
  let deps: ElsewhereDeps;
  let clock: ManualClock;

  beforeEach(async () => {
    db = redis.current.client();
    await db.flushall();
    clock = new ManualClock();
    youtube = new ListSource('youtube', 'YouTube', [
      // The decoy: the right title and artist, a ten-minute "extended" length.
      song({ url: 'https://youtube.example/decoy', title: 'Blue Tone', source: 'youtube', sourceId: 'decoy', durationMs: 600_000 }),
      song({ url: 'https://youtube.example/blue', title: 'Blue Tone', source: 'youtube', sourceId: 'blue', durationMs: 203_000 }),
      // Found by its ISRC (YouTube Music's search knows it) but with no ISRC in the result itself.
      song({ url: 'https://youtube.example/red', title: 'Red Tone (Official Audio)', source: 'youtube', sourceId: 'USRC17600001', durationMs: 181_000 }),
    ]);
    soundcloud = new ListSource('soundcloud', 'SoundCloud', [
      song({ url: 'https://soundcloud.example/blue', title: 'Blue Tone', source: 'soundcloud', durationMs: 200_500 }),
      song({ url: 'https://soundcloud.example/wrong-isrc', title: 'Green Tone', source: 'soundcloud', isrc: 'GBXXX0000002', durationMs: 190_000 }),
    ]);
    breaker = new SourceBreaker(clock);
    const registry = new SourceRegistry([youtube, soundcloud]);
    deps = { registry, order: ['youtube', 'soundcloud'], breaker, mirror: songMirror({ registry, cache: redisSourceCache(db, 'resolve', 60_000), breaker, log: silentLogger }) };
  });
  afterEach(() => db.disconnect());

  it('the tolerance is the larger of ±5 s and ±5%', () => {
    assert.ok(withinTolerance(60_000, 65_000));
    assert.ok(!withinTolerance(60_000, 65_001), 'a minute: 5 s');
    assert.ok(withinTolerance(200_000, 190_000));
    assert.ok(!withinTolerance(200_000, 189_999), 'three minutes and 20 s: 10 s');
    assert.ok(withinTolerance(600_000, 629_000), '5% of ten minutes is 30 s');
    assert.ok(!withinTolerance(600_000, 631_000));
    assert.ok(!withinTolerance(undefined, 200_000), 'an unknown length matches nothing');
  });

  it('searches a title without its production notes and without the artist it repeats', () => {
    assert.equal(searchableTitle('Rick Astley - Never Gonna Give You Up (Official Video)', 'Rick Astley'), 'Never Gonna Give You Up');
    assert.equal(searchableTitle('Blue Tone [HD] (Lyrics)', 'The Tones'), 'Blue Tone');
    assert.equal(searchableTitle('Video Killed the Radio Star', 'The Buggles'), 'Video Killed the Radio Star', 'a word of the song itself stays');
    assert.equal(searchableTitle('(Official Audio)', undefined), '(Official Audio)', 'nothing left: the title as it was');
  });

  it('by ISRC first; a result that names another ISRC is never taken', async () => {
    const found = await deps.mirror({ title: 'Red Tone', artist: 'The Tones', durationMs: 180_000, isrc: 'usrc17600001' }, ['youtube'], new AbortController().signal);
    assert.equal(found.kind, 'found');
    assert.equal(found.kind === 'found' && found.match.by, 'isrc');
    assert.equal(found.kind === 'found' && found.match.track.url, 'https://youtube.example/red');
    const wrong = await deps.mirror({ title: 'Green Tone', durationMs: 190_000, isrc: 'GBXXX0000001' }, ['soundcloud'], new AbortController().signal);
    assert.equal(wrong.kind, 'none', 'the same title and length, but the result names another ISRC: another recording, not taken');
    const unknown = await deps.mirror({ title: 'Green Tone', durationMs: 190_000 }, ['soundcloud'], new AbortController().signal);
    assert.equal(unknown.kind === 'found' && unknown.match.by, 'title', 'a song without an ISRC: the result\'s own ISRC cannot disagree, its length decides');
    const confirmed = await deps.mirror({ title: 'Green Tone', durationMs: 190_000, isrc: 'GBXXX0000002' }, ['soundcloud'], new AbortController().signal);
    assert.equal(confirmed.kind === 'found' && confirmed.match.by, 'isrc', 'found by title, its own ISRC the song\'s: a match by ISRC');
  });

  it('by title and artist within the tolerance: the ten-minute decoy is passed over', async () => {
    const found = await deps.mirror({ title: 'Blue Tone', artist: 'The Tones', durationMs: 200_000 }, ['youtube'], new AbortController().signal);
    assert.equal(found.kind === 'found' && found.match.track.url, 'https://youtube.example/blue');
    assert.deepEqual(youtube.searches, ['Blue Tone The Tones']);
    const none = await deps.mirror({ title: 'Blue Tone', artist: 'The Tones', durationMs: 400_000 }, ['youtube'], new AbortController().signal);
    assert.deepEqual(none, { kind: 'none', reasons: ['YouTube has no match within ±20 s'] });
  });

  it('a match, and the lack of one, is kept in Redis for the fleet: the second lookup searches nothing', async () => {
    const blue = { title: 'Blue Tone', artist: 'The Tones', durationMs: 200_000 };
    await deps.mirror(blue, ['youtube'], new AbortController().signal);
    await deps.mirror({ ...blue, title: 'Nothing Like It' }, ['youtube'], new AbortController().signal);
    const searched = youtube.searches.length;
    const again = await deps.mirror(blue, ['youtube'], new AbortController().signal);
    assert.equal(again.kind === 'found' && again.cached, true);
    assert.equal((await deps.mirror({ ...blue, title: 'Nothing Like It' }, ['youtube'], new AbortController().signal)).kind, 'none');
    assert.equal(youtube.searches.length, searched, 'no search the second time');
  });

  it('a failing search is not cached, counts toward the circuit, and an open circuit skips the source', async () => {
    youtube.failSearch = true;
    const blue = { title: 'Blue Tone', artist: 'The Tones', durationMs: 200_000 };
    for (let i = 0; i < 3; i++) {
      const r = await deps.mirror(blue, ['youtube', 'soundcloud'], new AbortController().signal);
      assert.equal(r.kind === 'found' && r.match.source, 'soundcloud');
      await db.flushall(); // SoundCloud's match is cached: ask again as a new song would
    }
    assert.ok(breaker.coolingUntil('youtube') !== undefined, 'three failures in a row open the circuit');
    const searched = youtube.searches.length;
    const r = await deps.mirror(blue, ['youtube'], new AbortController().signal);
    assert.deepEqual(r, { kind: 'none', reasons: ['YouTube is resting after repeated errors'] });
    assert.equal(youtube.searches.length, searched);
    assert.equal(breaker.health().find((h) => h.source === 'youtube')?.failureRate, 1);
  });

  it('a metadata track plays from the first source that has it, and the plan says where', async () => {
    const meta: MetadataSource = { name: 'spotify', label: 'Spotify', matches: () => true, resolve: () => Promise.reject(new Error('not used')) };
    const source = mirroredSource(meta, deps);
    const outcome = await source.open({ url: 'https://open.spotify.com/track/1', source: 'spotify', title: 'Blue Tone', artist: 'The Tones', durationMs: 200_000 }, { attempt: 0, signal: new AbortController().signal });
    assert.deepEqual(outcome, { kind: 'plan', plan: { kind: 'file', url: 'https://youtube.example/blue.mp3' }, via: { source: 'youtube', label: 'YouTube' } });
    youtube.refuse = 'sign in to confirm your age';
    await db.flushall();
    const refused = await source.open({ url: 'https://open.spotify.com/track/1', source: 'spotify', title: 'Blue Tone', artist: 'The Tones', durationMs: 200_000 }, { attempt: 0, signal: new AbortController().signal });
    assert.equal(refused.kind === 'plan' && refused.via?.source, 'soundcloud', 'YouTube had it but refused: SoundCloud plays it');
  });

  it('a playable track its source refuses falls back, and says why; refused everywhere, both reasons are given', async () => {
    const source = withFallback(youtube, deps);
    youtube.refuse = 'LOGIN_REQUIRED';
    const track = { url: 'https://youtube.example/blue', source: 'youtube', title: 'Blue Tone', artist: 'The Tones', durationMs: 203_000 };
    const outcome = await source.open(track, { attempt: 0, signal: new AbortController().signal });
    assert.equal(outcome.kind, 'plan');
    assert.deepEqual(outcome.kind === 'plan' && outcome.via, { source: 'soundcloud', label: 'SoundCloud', because: 'YouTube refused it (LOGIN_REQUIRED)' });
    soundcloud.refuse = 'geo-blocked';
    await db.flushall();
    const nowhere = await source.open(track, { attempt: 0, signal: new AbortController().signal });
    assert.deepEqual(nowhere, { kind: 'unplayable', reason: 'YouTube: LOGIN_REQUIRED; SoundCloud: geo-blocked' });
  });

  it('a failure mid-stream (attempt > 0) does not change source: another source\'s bytes would not line up', async () => {
    youtube.refuse = 'HTTP 403';
    const outcome = await withFallback(youtube, deps).open({ url: 'https://youtube.example/blue', source: 'youtube', title: 'Blue Tone', durationMs: 203_000 }, { attempt: 1, signal: new AbortController().signal });
    assert.deepEqual(outcome, { kind: 'unplayable', reason: 'HTTP 403' });
    assert.deepEqual(soundcloud.searches, []);
  });

  it('a source whose circuit is open is not asked to open its own tracks: they go straight elsewhere', async () => {
    for (let i = 0; i < 3; i++) breaker.failed('youtube');
    const outcome = await withFallback(youtube, deps).open({ url: 'https://youtube.example/blue', source: 'youtube', title: 'Blue Tone', artist: 'The Tones', durationMs: 203_000 }, { attempt: 0, signal: new AbortController().signal });
    assert.deepEqual(youtube.opens, []);
    assert.equal(outcome.kind === 'plan' && outcome.via?.because, 'YouTube is resting after repeated errors');
  });
});
