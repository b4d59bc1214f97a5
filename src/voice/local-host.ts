/**
 * An engine in this thread (HIQTY_VOICE_WORKERS=0): the same commands and events as a voice worker,
 * without the MessagePort. Events are delivered from a microtask, never inside `send`, so the main
 * thread's mirror behaves the same whichever host it talks to. An in-thread engine dies only with the
 * process, so it never restarts.
 */
import { createVoiceEngine } from './engine';
import type { EngineDeps, EngineEvent } from './engine/contract';
import type { EngineHost } from './engine/host';

export function localEngineHost(deps: Omit<EngineDeps, 'emit'>): EngineHost {
  const listeners: Array<(event: EngineEvent) => void> = [];
  const engine = createVoiceEngine({
    ...deps,
    emit: (event) =>
      queueMicrotask(() => {
        for (const listener of listeners) listener(event);
      }),
  });
  return {
    name: 'main',
    send: (command) => engine.handle(command),
    onEvent: (listener) => void listeners.push(listener),
    onRestart: () => {},
    stats: () => engine.stats(),
    restarts: () => 0,
    close: () => {
      engine.close();
      return Promise.resolve();
    },
  };
}
