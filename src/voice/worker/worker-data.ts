/**
 * What a voice worker is started with (its `workerData`): everything it needs to run the media
 * pipeline and log, as plain cloneable data, decoded with io-ts on arrival. The worker reads no
 * environment of its own: the main thread decoded the configuration once (src/config.ts).
 */
import * as t from 'io-ts';
import { intInRange, oneOf } from '../../codecs';
import { LOG_LEVELS } from '../../config';
import type { OriginOverrides } from '../../media/origins';

/** Which AudioSink the worker's engine sends through: its own packet path, or @discordjs/voice's. */
export const SINK_KINDS = ['packet', 'library'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

export const WorkerMediaCodec = t.intersection([
  t.type({
    /** HIQTY_FETCH_ALLOW. */
    allow: t.readonlyArray(t.string),
    /** HIQTY_SERVICE_ORIGINS as its `host=origin,...` text (URL objects do not cross threads). */
    serviceOrigins: t.string,
    ffmpegPath: t.string,
    /** HIQTY_MAX_OPENING for this worker's opens. */
    maxOpening: intInRange(1, 1000),
  }),
  t.partial({
    /** Media defaults apply when absent (DEFAULT_MAX_BYTES, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_FIRST_AUDIO_TIMEOUT_MS). */
    maxBytes: t.number,
    idleTimeoutMs: t.number,
    firstAudioTimeoutMs: t.number,
  }),
]);
export type WorkerMedia = t.TypeOf<typeof WorkerMediaCodec>;

export const WorkerDataCodec = t.type({
  /** The worker's number: `worker` in its log lines, "worker-n" as its host's name. */
  index: intInRange(0, 10_000),
  logLevel: oneOf(LOG_LEVELS),
  sinks: oneOf(SINK_KINDS),
  media: WorkerMediaCodec,
  /**
   * The CA certificates (PEM) the main thread trusts. tls.setDefaultCACertificates reaches only the
   * thread that calls it, so the worker installs the main thread's set and its voice WebSockets trust
   * what the main thread does.
   */
  caCertificates: t.readonlyArray(t.string),
});
export type WorkerData = t.TypeOf<typeof WorkerDataCodec>;

/** HIQTY_SERVICE_ORIGINS back as its text form, which parseOriginOverrides reads in the worker. */
export function originsText(overrides: OriginOverrides): string {
  return overrides.map((o) => `${o.host}=${o.origin.origin}`).join(',');
}
