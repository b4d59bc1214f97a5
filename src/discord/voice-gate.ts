/**
 * Only the reconciler may join or leave voice. @discordjs/voice rejoins by itself after most voice
 * WebSocket closes, by sending a join payload through the adapter. Wrapping the adapter so payloads
 * pass only while the gate is open (synchronously, inside the reconciler's own join/leave calls)
 * turns such a self-rejoin into `Disconnected(AdapterUnavailable)`, which the reconciler then handles.
 * It also guarantees that no stray leave payload is ever sent.
 */
import type { DiscordGatewayAdapterCreator } from '@discordjs/voice';

export interface VoiceGate {
  /** Runs fn with the gate open: payloads that fn sends synchronously reach the gateway. */
  open<T>(fn: () => T): T;
  readonly suppressed: number;
}

export function createVoiceGate(onSuppressed: (payload: unknown) => void = () => {}): VoiceGate & { wrap(inner: DiscordGatewayAdapterCreator): DiscordGatewayAdapterCreator } {
  let isOpen = false;
  let suppressed = 0;
  return {
    open(fn) {
      const wasOpen = isOpen;
      isOpen = true;
      try {
        return fn();
      } finally {
        isOpen = wasOpen;
      }
    },
    get suppressed() {
      return suppressed;
    },
    wrap(inner) {
      return (methods) => {
        const implementer = inner(methods);
        return {
          sendPayload(payload: unknown): boolean {
            if (isOpen) return implementer.sendPayload(payload);
            suppressed += 1;
            onSuppressed(payload);
            return false;
          },
          destroy: () => implementer.destroy(),
        };
      };
    },
  };
}
