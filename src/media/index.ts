/** Track URL to Opus stream (DESIGN.md §6). The player needs only openTrack; the rest is for metrics, checks and tests. */
export { checkAddress, hostPort, isAllowListed, type AddressVerdict } from './address-policy';
export { DEFAULT_DNS_TIMEOUT_MS, DEFAULT_DNS_TRIES, DEFAULT_DNS_TRY_TIMEOUT_MS, dnsLookup, type DnsLookupOptions } from './dns-lookup';
export { resolveFfmpeg, type ResolvedFfmpeg } from './ffmpeg-path';
export { BodyError, type BodyFailure } from './metered-body';
export {
  DEFAULT_FIRST_AUDIO_TIMEOUT_MS,
  openTrack,
  trackOpener,
  type OpenOutcome,
  type OpenTrackDeps,
  type PlayPath,
  type TrackEnd,
  type TrackRequest,
} from './open-track';
export { DEFAULT_MAX_HOLD_MS, DEFAULT_MAX_OPENING, OpenGate, type Admission, type OpenGateOptions } from './open-gate';
export { opusPacketDurationMs } from './passthrough';
export { isHlsLink, planForLink } from './media-input';
export { isMediaInputError, MediaInputError } from './media-error';
export { DEFAULT_CHUNK_BYTES, rangedReader, type RangedReaderOptions } from './ranged-reader';
export { DEFAULT_LIVE_STALE_RELOADS, hlsReader, type HlsReaderOptions } from './hls/reader';
export { probe, type ProbeResult } from './probe';
export {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_REDIRECTS,
  safeFetch,
  type FetchOk,
  type FetchOutcome,
  type LookupAll,
  type RequestFn,
  type SafeFetchOptions,
} from './safe-fetch';
export { ffmpegArgs, FfmpegProcesses, ffmpegProcesses, type TranscodeExit } from './transcode';
