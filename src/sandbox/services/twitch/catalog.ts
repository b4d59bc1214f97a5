/**
 * What the Twitch fake serves: channels (one on the air at start, one off) and a past broadcast. Each
 * plays a tone of its own, and a channel's video variants play another tone than its `audio_only`
 * rendition, so a test hears which rendition the bot chose.
 */

export interface FakeChannel {
  /** Lower case, as in links, GQL variables and usher paths. */
  readonly login: string;
  readonly displayName: string;
  /** The user's numeric id, as text (GQL ids are strings). */
  readonly id: string;
  /** The broadcast's title (StreamMetadata's lastBroadcast.title). */
  readonly title: string;
  /** The tone of its `audio_only` rendition. */
  readonly hz: number;
  /** The tone of its video variants (their audio), which the bot should never play. */
  readonly videoHz: number;
  /** On the air when the fake starts. */
  readonly liveAtStart: boolean;
}

export interface FakeVideo {
  readonly id: string;
  readonly owner: FakeChannel;
  readonly title: string;
  readonly hz: number;
  readonly durationMs: number;
}

export const CHANNEL_TONES: FakeChannel = {
  login: 'hiqtytones',
  displayName: 'HiqtyTones',
  id: '913370001',
  title: 'Sine waves all day',
  hz: 523,
  videoHz: 784,
  liveAtStart: true,
};

export const CHANNEL_ASLEEP: FakeChannel = {
  login: 'sleepysines',
  displayName: 'SleepySines',
  id: '913370002',
  title: 'Back tomorrow',
  hz: 349,
  videoHz: 698,
  liveAtStart: false,
};

export const CHANNELS: readonly FakeChannel[] = [CHANNEL_TONES, CHANNEL_ASLEEP];

export const VIDEO_TONES: FakeVideo = {
  id: '2013370001',
  owner: CHANNEL_TONES,
  title: "Yesterday's sines",
  hz: 392,
  durationMs: 12_000,
};

export const VIDEOS: readonly FakeVideo[] = [VIDEO_TONES];

export const channelUrl = (channel: FakeChannel): string => `https://www.twitch.tv/${channel.login}`;
export const videoUrl = (video: FakeVideo): string => `https://www.twitch.tv/videos/${video.id}`;
