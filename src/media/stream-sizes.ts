/**
 * Stream buffers sized for audio (issue 14): each hop between the socket and the packetizer holds
 * about 1 s of audio, not Node's default 64 KiB per byte stream. Every hop a track has is paid per
 * playing track, so 64 KiB over five hops was ~320 KiB of buffering per track on its own.
 */

/**
 * Default 16 KiB: a byte hop's highWaterMark (the socket and the HTTP response included, set in
 * safe-fetch.ts), about 1 s of audio at 128 kbit/s, half a second at 256. Known limit: ffmpeg's stdio
 * pipes keep Node's own sizes; child_process takes no highWaterMark.
 */
export const AUDIO_BYTE_HIGH_WATER_MARK = 16 * 1024;

/** Default 50: an object-mode hop's highWaterMark in Opus packets, 1 s of 20 ms frames. */
export const AUDIO_PACKET_HIGH_WATER_MARK = 50;
