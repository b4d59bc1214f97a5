/**
 * Which received voice packets the sandbox decrypts. Decrypting (transport AES-GCM or XChaCha20, then
 * DAVE by every listener) is most of what the sandbox spends per packet; at 400 streams that competes
 * with the bot for the same two cores. Sampling keeps the timing of every packet (gaps, late frames,
 * counts come from the clear RTP header and the arrival time) and proves the encryption on windows.
 */

/**
 * 'all': every packet decrypted (the default). Sampled: per stream, only packets arriving inside a
 * window of `windowMs` in every `sampleEveryMs` are decrypted; streams' windows are staggered by SSRC
 * (SSRC k opens at k × windowMs, modulo the period), so the decryption load is spread evenly in time.
 */
export type VerifyMode = 'all' | { readonly sampleEveryMs: number; readonly windowMs: number };

/** Throws a RangeError when a sampled mode cannot work (a window longer than its period, or not positive). */
export function checkVerifyMode(mode: VerifyMode): VerifyMode {
  if (mode === 'all') return mode;
  const { sampleEveryMs, windowMs } = mode;
  if (!(Number.isFinite(sampleEveryMs) && Number.isFinite(windowMs) && windowMs > 0 && windowMs <= sampleEveryMs)) {
    throw new RangeError(`verify: windowMs must be in (0, sampleEveryMs], got windowMs ${windowMs} and sampleEveryMs ${sampleEveryMs}`);
  }
  return mode;
}

/** Whether a packet of stream `ssrc` arriving at `atMs` (monotonic) falls inside its sampled window. */
export function inSampledWindow(mode: { readonly sampleEveryMs: number; readonly windowMs: number }, ssrc: number, atMs: number): boolean {
  const offset = (ssrc * mode.windowMs) % mode.sampleEveryMs;
  const phase = (((atMs - offset) % mode.sampleEveryMs) + mode.sampleEveryMs) % mode.sampleEveryMs;
  return phase < mode.windowMs;
}
