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

/**
 * Default 8 KiB (Node's own until Node 24 raised it to 64 KiB): the slab Buffer.allocUnsafe,
 * Buffer.from and Buffer.concat carve small buffers from. An Opus packet from a demuxer is a slice of
 * such a buffer, and each slice held keeps its whole slab alive: with 64 KiB slabs, the second of
 * packets a playing track queues pinned about 200 KiB of slabs (heap snapshots, 100 tracks).
 */
export const AUDIO_BUFFER_POOL_BYTES = 8 * 1024;

/** Sizes this thread's Buffer pool for audio: once at the start of the process and of each voice worker. */
export function useAudioBufferPool(): void {
  Buffer.poolSize = AUDIO_BUFFER_POOL_BYTES;
}
