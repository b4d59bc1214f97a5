/**
 * Drives N concurrent streams from a child process (load-sender.ts) into a sandbox in this process
 * and measures what verifying them costs the sandbox: CPU, event-loop delay, and whether every
 * stream was still seen whole.
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import type { MonitorOptions } from '../../src/sandbox/audio/monitor';
import { demoGuilds, startSandbox } from '../../src/sandbox';
import { TEST_RUN_MARKER } from '../support/procfs';
import { waitFor } from '../support/wait';

export interface LoadResult {
  readonly streams: number;
  readonly seconds: number;
  readonly packets: number;
  /** Sandbox CPU (user + system) while the streams ran, in percent of one core. */
  readonly cpuPercent: number;
  readonly usPerPacket: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** Streams whose tone or decryption were off, or that came as a burst rather than a stream. */
  readonly bad: readonly string[];
  /** Frames that never arrived (summed over the streams), and how many streams were short. */
  readonly missingFrames: number;
  readonly shortStreams: number;
  /**
   * Datagrams the kernel dropped for a full receive buffer while the streams ran (/proc/net/snmp
   * `Udp RcvbufErrors`, machine-wide): a VM that stops the sandbox's process for seconds loses packets
   * before any code of the sandbox sees them. Undefined where the counter cannot be read.
   */
  readonly kernelDrops: number | undefined;
  /** Streams with an inter-arrival gap over 60 ms, and the longest gap seen. */
  readonly gapStreams: number;
  readonly maxGapMs: number;
  readonly decodedWindows: number;
  readonly senderCpuPercent: number;
  /** Event-loop stalls over 20 ms in the sandbox process: [ms after start, length in ms]. */
  readonly stalls: ReadonlyArray<readonly [number, number]>;
  /** The sender's worst lateness against its 20 ms schedule. */
  readonly senderMaxLateMs: number;
  /** Whether the streams ran with DAVE (the sandbox's default mode): then every frame must have been decrypted by a listener. */
  readonly dave: boolean;
}

const ROOT = path.resolve(__dirname, '..', '..');

export async function runLoad(streams: number, seconds: number, monitor: MonitorOptions): Promise<LoadResult> {
  const file = await makeTone({ hz: 440, durationMs: seconds * 1000, format: 'ogg-opus', dir: path.join(os.tmpdir(), 'hiqty-bench-tones') });
  const guilds = demoGuilds(streams);
  const sb = await startSandbox({ guilds, monitor });
  const job = {
    gatewayUrl: sb.gatewayUrl,
    token: sb.token,
    file,
    seconds,
    guilds: guilds.map((g) => ({ id: g.id, channelId: g.voiceChannels[0]?.id ?? '' })),
    // With DAVE required every connection joins its call's MLS group and end-to-end encrypts.
    dave: sb.daveMode === 'required',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'load-sender.ts'), JSON.stringify(job)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_EXTRA_CA_CERTS: sb.caCertPath, [TEST_RUN_MARKER]: process.env[TEST_RUN_MARKER] },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const line = (want: string): Promise<void> =>
    new Promise((resolve, reject) => {
      let seen = '';
      const onData = (chunk: Buffer): void => {
        seen += chunk.toString();
        if (seen.includes(`${want}\n`)) {
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`sender exited with ${code} before "${want}"`)));
    });
  try {
    await line('ready');
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const done = line('done');
    const cpu = process.cpuUsage();
    const senderCpuStart = await childCpu(child.pid);
    const wall = performance.now();
    delay.enable();
    const stalls: Array<[number, number]> = [];
    let lastTick = performance.now();
    const stallProbe = setInterval(() => {
      const now = performance.now();
      if (now - lastTick > 20) stalls.push([Math.round(lastTick - wall), Math.round(now - lastTick)]);
      lastTick = now;
    }, 5);
    const dropsBefore = await udpReceiveBufferDrops();
    child.stdin?.write('go\n');
    await done;
    clearInterval(stallProbe);
    delay.disable();
    const used = process.cpuUsage(cpu);
    const elapsed = performance.now() - wall;
    const senderCpu = (await childCpu(child.pid)) - senderCpuStart;
    const expected = seconds * 50;
    // Let the last packets of the last tick arrive; any still missing then are reported as bad streams.
    const arrived = (): number => guilds.reduce((n, g) => n + sb.voiceStats(g.id, { flush: false }).frames, 0);
    await waitFor('the last packets', () => arrived() >= expected * streams, { timeoutMs: 5000, intervalMs: 50 }).catch(() => undefined);
    const dropsAfter = await udpReceiveBufferDrops();
    const bad: string[] = [];
    let missingFrames = 0;
    let shortStreams = 0;
    let packets = 0;
    let decodedWindows = 0;
    let gapStreams = 0;
    let maxGapMs = 0;
    for (const g of guilds) {
      const s = sb.voiceStats(g.id);
      packets += s.frames + s.silenceFrames + s.decryptFailures + s.stalePackets;
      const hz = s.windows.filter((w) => w.decoded && w.hz !== undefined);
      decodedWindows += hz.length;
      const wrongTone = hz.some((w) => Math.abs((w.hz ?? 0) - 440) > 10);
      if (s.gaps.length > 0) gapStreams += 1;
      for (const gap of s.gaps) maxGapMs = Math.max(maxGapMs, gap.ms);
      // The rate only tells a paced stream from a burst (thousands a second): arrivals are stamped when the
      // sandbox reads them, so a stalled process on a loaded machine moves it well away from 50 either way.
      if (s.frames !== expected) {
        shortStreams += 1;
        missingFrames += Math.max(0, expected - s.frames);
      }
      // Every frame that arrived was end-to-end decrypted (frames lost on the way are counted above).
      const e2eeBad = job.dave && (s.dave?.e2eeFrames !== s.frames || s.unencrypted > 0 || s.e2eeFailures > 0);
      if (s.frames > expected || s.packetsPerSecond > 150 || wrongTone || s.decryptFailures > 0 || e2eeBad) {
        const e2ee = job.dave ? `, e2ee ${s.dave?.e2eeFrames ?? 0} (unencrypted ${s.unencrypted}, failures ${s.e2eeFailures})` : '';
        bad.push(`${g.id}: frames ${s.frames}, ${s.packetsPerSecond.toFixed(2)}/s, gaps ${s.gaps.map((x) => `${Math.round(x.ms)}@${Math.round(x.atMs - wall)}`).join(',')}, tone ${wrongTone ? 'wrong' : 'ok'}${e2ee}`);
      }
    }
    return {
      streams,
      seconds,
      packets,
      cpuPercent: ((used.user + used.system) / 1000 / elapsed) * 100,
      usPerPacket: (used.user + used.system) / Math.max(1, packets),
      loopDelayP99Ms: delay.percentile(99) / 1e6,
      loopDelayMaxMs: delay.max / 1e6,
      bad,
      missingFrames,
      shortStreams,
      kernelDrops: dropsBefore === undefined || dropsAfter === undefined ? undefined : dropsAfter - dropsBefore,
      gapStreams,
      maxGapMs,
      decodedWindows,
      senderCpuPercent: (senderCpu / elapsed) * 100,
      stalls,
      senderMaxLateMs: Number(/late ([\d.]+)/.exec(output)?.[1] ?? NaN),
      dave: job.dave,
    };
  } finally {
    child.kill('SIGKILL');
    await sb.stop();
  }
}

/** The machine's count of UDP datagrams dropped for a full receive buffer (Linux /proc/net/snmp); undefined elsewhere. */
async function udpReceiveBufferDrops(): Promise<number | undefined> {
  try {
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile('/proc/net/snmp', 'utf8')).split('\n').filter((l) => l.startsWith('Udp:'));
    const [names, values] = lines.map((l) => l.split(/\s+/).slice(1));
    const at = names?.indexOf('RcvbufErrors') ?? -1;
    const value = at < 0 ? undefined : Number(values?.[at]);
    return value === undefined || !Number.isFinite(value) ? undefined : value;
  } catch {
    return undefined;
  }
}

/** CPU milliseconds a process used so far, from /proc (Linux); 0 elsewhere. */
async function childCpu(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return 0;
  }
}
