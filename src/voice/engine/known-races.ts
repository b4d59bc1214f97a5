/**
 * Errors @discordjs/voice 0.19 can throw out of its own timers that harm nothing else, so a thread that
 * meets one logs it and carries on. Anything else thrown out of a timer is unknown state.
 */

/**
 * Known limit of @discordjs/voice 0.19: a new VoiceUDPSocket sends its first keep-alive from a
 * setImmediate that destroy() does not cancel, so a connection destroyed in the turn its UDP socket was
 * made throws ERR_SOCKET_DGRAM_NOT_RUNNING from that immediate. The engine destroys connections a turn
 * later (guild-link.ts) to avoid it; this catches any case that path misses.
 */
export function isClosedUdpKeepAlive(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ERR_SOCKET_DGRAM_NOT_RUNNING' && (err.stack ?? '').includes('keepAlive');
}
