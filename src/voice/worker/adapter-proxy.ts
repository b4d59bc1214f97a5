/**
 * The worker's side of the gateway adapters: @discordjs/voice in the worker gets, per guild, an
 * adapter whose payloads travel to the main thread's discord.js client as messages, and whose
 * voice-state and voice-server updates come back from it the same way.
 */
import type { DiscordGatewayAdapterCreator, DiscordGatewayAdapterLibraryMethods } from '@discordjs/voice';
import { VoicePayloadCodec, type FromWorker, type ToWorker } from './messages';

type AdapterMessage = Extract<ToWorker, { type: 'voice-state' | 'voice-server' | 'adapter-destroyed' }>;

export interface AdapterProxy {
  /** The adapter creator the engine joins a guild with. */
  adapterFor(guild: string): DiscordGatewayAdapterCreator;
  /** Hands a main-thread update to the guild's adapter, if @discordjs/voice holds one. */
  deliver(message: AdapterMessage): void;
}

export function adapterProxy(post: (message: FromWorker) => void): AdapterProxy {
  const open = new Map<string, DiscordGatewayAdapterLibraryMethods>();
  return {
    adapterFor: (guild) => (methods) => {
      open.set(guild, methods);
      post({ type: 'adapter-open', guild });
      return {
        // True: the main thread sends it when its shard is ready. A payload it cannot send is lost
        // there, as discord.js's own adapter loses it; the join then times out and is retried.
        sendPayload(payload: unknown): boolean {
          // @discordjs/voice sends only voice state updates (op 4); anything else is not ours to forward.
          if (!VoicePayloadCodec.is(payload)) return false;
          post({ type: 'payload', guild, payload });
          return true;
        },
        destroy() {
          if (open.get(guild) !== methods) return;
          open.delete(guild);
          post({ type: 'adapter-close', guild });
        },
      };
    },
    deliver(message) {
      const methods = open.get(message.guild);
      if (methods === undefined) return;
      switch (message.type) {
        case 'voice-state':
          methods.onVoiceStateUpdate(message.data);
          return;
        case 'voice-server':
          methods.onVoiceServerUpdate(message.data);
          return;
        case 'adapter-destroyed':
          open.delete(message.guild);
          methods.destroy();
          return;
      }
    },
  };
}
