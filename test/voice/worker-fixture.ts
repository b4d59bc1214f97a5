/**
 * A stand-in voice worker for WorkerEngineHost's tests of what does not need Discord: on start it
 * posts two messages that do not decode and one valid stats event; `drop` of guild "crash" throws
 * (an uncaught error: the worker dies with code 1); `shutdown` ends it; a `join` is echoed as a link
 * event, so a test sees which worker life got a command.
 */
import { parentPort } from 'node:worker_threads';
import { EMPTY_STATS } from '../../src/voice/engine/host';

const port = parentPort;
if (port === null) throw new Error('worker-fixture runs as a worker');
port.postMessage({ type: 'positions', entries: 'not a list' });
port.postMessage(42);
port.postMessage({ type: 'stats', stats: { ...EMPTY_STATS, framesSent: 10, guilds: 1 } });
port.on('message', (m: { type?: string; guild?: string; join?: number; channelId?: string }) => {
  if (m.type === 'drop' && m.guild === 'crash') throw new Error('the fixture crashes as asked');
  if (m.type === 'shutdown') port.close();
  if (m.type === 'join') port.postMessage({ type: 'link', guild: m.guild, join: m.join, channelId: m.channelId, state: 'joining' });
});
