/**
 * A voice worker's entry (worker_threads): one engine for its guilds, with their voice connections and
 * whole media pipeline, speaking to the main thread only in messages (src/voice/worker/messages.ts).
 * Started by WorkerEngineHost (worker-host.ts). Any uncaught error is logged and ends the worker with
 * a non-zero code: its host restarts it, and the guilds it held are played again from their checkpoints.
 */
import { isLeft } from 'fp-ts/Either';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { systemClock } from '../../clock';
import { decode } from '../../codecs';
import { createLogger, type Logger } from '../../log';
import { trackOpener } from '../../media/open-track';
import { ffmpegProcesses } from '../../media/transcode';
import { parseOriginOverrides } from '../../media/origins';
import { STATS_REPORT_MS, type SinkFactory } from '../engine/contract';
import { createVoiceEngine, librarySinks } from '../engine';
import { packetSinks } from '../engine/packet-sink';
import { adapterProxy } from './adapter-proxy';
import { MessageDrops, ToWorkerCodec, type FromWorker } from './messages';
import { isClosedUdpKeepAlive } from '../engine/known-races';
import { WorkerDataCodec, type SinkKind, type WorkerData } from './worker-data';

/** The worker's exit code when its workerData does not decode (a host bug, not a media fault). */
export const EXIT_BAD_WORKER_DATA = 2;
/** The worker's exit code after an uncaught error. */
export const EXIT_UNCAUGHT = 1;

const SINKS: Readonly<Record<SinkKind, SinkFactory>> = { packet: packetSinks, library: librarySinks };

function dieOn(log: Logger): void {
  const die = (err: unknown, what: string): void => {
    log.fatal({ err }, `${what} in a voice worker: it exits and its host restarts it`);
    process.exit(EXIT_UNCAUGHT);
  };
  process.on('uncaughtException', (err) => {
    if (isClosedUdpKeepAlive(err)) log.warn({ err }, 'a closed voice UDP socket was sent to (a known @discordjs/voice race): ignored');
    else die(err, 'uncaught error');
  });
  process.on('unhandledRejection', (err) => die(err, 'unhandled rejection'));
}

/** Installs the main thread's CA set (see WorkerData.caCertificates) where it differs from this thread's. */
function trustAsMainThread(pems: readonly string[]): void {
  const own = new Set(getCACertificates('default'));
  if (pems.length === own.size && pems.every((pem) => own.has(pem))) return;
  setDefaultCACertificates([...pems]);
}

export function runVoiceWorker(port: MessagePort, data: WorkerData): void {
  const log = createLogger(data.logLevel, { worker: data.index });
  dieOn(log);
  const origins = parseOriginOverrides(data.media.serviceOrigins);
  if ('error' in origins) throw new Error(`serviceOrigins: ${origins.error}`);
  trustAsMainThread(data.caCertificates);

  const post = (message: FromWorker): void => port.postMessage(message);
  const adapters = adapterProxy(post);
  const { maxOpening, allow, ffmpegPath, maxBytes, idleTimeoutMs, firstAudioTimeoutMs } = data.media;
  const engine = createVoiceEngine({
    adapterFor: adapters.adapterFor,
    // One registry for the opener and the stats: the count must be of the processes this opener runs.
    openTrack: trackOpener({ allow, ffmpegPath, log, clock: systemClock, overrides: origins.ok, maxOpening, maxBytes, idleTimeoutMs, firstAudioTimeoutMs, ffmpeg: ffmpegProcesses }),
    ffmpeg: ffmpegProcesses,
    sinks: SINKS[data.sinks],
    clock: systemClock,
    log,
    emit: post,
  });
  const reportStats = (): void => post({ type: 'stats', stats: engine.stats() });
  const statsTimer = setInterval(reportStats, STATS_REPORT_MS);
  // An ffmpeg that starts or ends is reported at once: one may live shorter than the stats period.
  const unwatchFfmpeg = ffmpegProcesses.subscribe(reportStats);
  statsTimer.unref();

  const drops = new MessageDrops(log, 'main thread');
  const onMessage = (raw: unknown): void => {
    const message = drops.decode(ToWorkerCodec, raw);
    if (message === undefined) return;
    switch (message.type) {
      case 'voice-state':
      case 'voice-server':
      case 'adapter-destroyed':
        adapters.deliver(message);
        return;
      case 'shutdown':
        engine.close();
        clearInterval(statsTimer);
        unwatchFfmpeg();
        port.off('message', onMessage);
        // The worker ends once the connections' sockets have closed; its host terminates it after a second.
        port.unref();
        return;
      default:
        engine.handle(message);
    }
  };
  port.on('message', onMessage);
  log.debug({ sinks: data.sinks, maxOpening }, 'voice worker running');
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const data = decode(WorkerDataCodec, workerData);
  if (isLeft(data)) {
    createLogger('info').fatal({ problems: data.left }, 'a voice worker was started with data that does not decode');
    process.exit(EXIT_BAD_WORKER_DATA);
  } else {
    runVoiceWorker(port, data.right);
  }
}
