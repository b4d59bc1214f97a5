/**
 * What keeps this process alive: the open-handle check that test/support/hooks.ts runs after every
 * top-level suite, so that mocha exits by itself and a leak is blamed on the suite that made it.
 *
 * Ground truth is `process.getActiveResourcesInfo()`: the types of the resources that keep the
 * event loop alive (sockets, servers, pipes, child processes, ref'd timers). A snapshot is compared
 * with a baseline by identity where Node gives identities (`process._getActiveHandles()` for handles;
 * timers remembered at creation through async_hooks) and by count for the rest, so a baseline handle
 * (stdio, the shared Redis) is excluded exactly, not by a filter on its type. Child processes come
 * from /proc: this process's descendants, plus orphans carrying the run's marker.
 *
 * Creation stacks come from an async_hooks init hook. Capturing a stack costs microseconds, so it is
 * done for sockets, servers, pipes and child processes, and for timers that live a second or more or
 * repeat; a shorter one-shot timer ends on its own within the grace period. No destroy hook is used:
 * that would make Node track every promise's destruction and slow the whole run.
 */
import { createHook } from 'node:async_hooks';
import * as dgram from 'node:dgram';
import * as path from 'node:path';
import { testRunProcesses, type ProcessInfo } from './procfs';

const ROOT = path.resolve(__dirname, '..', '..');

/** async_hooks types of the handles worth a creation stack. */
const HANDLE_TYPES = new Set(['TCPWRAP', 'TCPSERVERWRAP', 'PIPEWRAP', 'PIPESERVERWRAP', 'UDPWRAP', 'PROCESSWRAP', 'TTYWRAP', 'FSEVENTWRAP', 'STATWATCHER', 'SIGNALWRAP']);
/** A one-shot timer shorter than this is not remembered: it fires within the grace period anyway. */
const LONG_TIMER_MS = 1000;

const created = new WeakMap<object, string>();
const longTimers = new Set<WeakRef<object>>();

function field(o: object, name: string): unknown {
  return Reflect.get(o, name);
}

function numberField(o: object, name: string): number | undefined {
  const v = field(o, name);
  return typeof v === 'number' ? v : undefined;
}

/**
 * The first frames of a stack in this repository's own code; failing that (a handle a library made
 * after an async hop), the first frames outside Node itself.
 */
function ownFrames(stack: string | undefined): string {
  const frames = (stack ?? '')
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => !l.includes('node:') && !l.includes('(<anonymous>)') && !l.includes(`${path.sep}test${path.sep}support${path.sep}handles.ts`));
  const own = frames.filter((l) => l.includes(ROOT) && !l.includes('/node_modules/'));
  return (own.length > 0 ? own : frames)
    .slice(0, 3)
    .map((l) => l.replace(/^at /, '').replace(`${ROOT}${path.sep}`, ''))
    .join(' < ');
}

function captureStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 25;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  return ownFrames(holder.stack);
}

const hook = createHook({
  init(_asyncId, type, _trigger, resource) {
    if (type === 'Timeout') {
      const repeat = numberField(resource, '_repeat');
      const after = numberField(resource, '_idleTimeout') ?? 0;
      if (repeat === undefined && after < LONG_TIMER_MS) return;
      longTimers.add(new WeakRef(resource));
      created.set(resource, captureStack());
    } else if (HANDLE_TYPES.has(type)) {
      created.set(resource, captureStack());
    }
  },
});

/** Starts remembering where handles and long timers are created. Idempotent. */
export function trackHandles(): void {
  hook.enable();
}

export interface Snapshot {
  /** getActiveResourcesInfo(), counted by type. */
  readonly counts: ReadonlyMap<string, number>;
  readonly handles: ReadonlySet<object>;
  readonly timers: ReadonlySet<object>;
  readonly processes: ReadonlyMap<number, ProcessInfo>;
}

function countTypes(types: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** Ref'd handles as objects (net.Socket, Server, ChildProcess...), where this Node still offers them. */
function activeHandles(): object[] {
  const get = field(process, '_getActiveHandles');
  if (typeof get !== 'function') return [];
  const list: unknown = get.call(process);
  return Array.isArray(list) ? list.filter((h): h is object => typeof h === 'object' && h !== null) : [];
}

function isRefd(o: object): boolean {
  const hasRef = field(o, 'hasRef');
  return typeof hasRef === 'function' ? hasRef.call(o) === true : true;
}

/** Long timers that are still pending and keep the loop alive. */
function activeTimers(): object[] {
  const out: object[] = [];
  for (const ref of longTimers) {
    const timer = ref.deref();
    if (timer === undefined || field(timer, '_destroyed') === true) {
      longTimers.delete(ref);
      continue;
    }
    if (isRefd(timer)) out.push(timer);
  }
  return out;
}

export function snapshot(): Snapshot {
  return {
    counts: countTypes(process.getActiveResourcesInfo()),
    handles: new Set(activeHandles()),
    timers: new Set(activeTimers()),
    processes: new Map(testRunProcesses().map((p) => [p.pid, p])),
  };
}

/** What is open now and was not in the baseline. Empty means clean. */
export interface Leaks {
  /** One line per leaked resource, saying what it is and, when known, where it was created. */
  readonly lines: readonly string[];
  readonly handles: readonly object[];
  readonly timers: readonly object[];
  readonly processes: readonly ProcessInfo[];
}

function where(o: object): string {
  const owned = [o, nativeOf(o)].find((x): x is object => typeof x === 'object' && x !== null && created.has(x));
  const frames = owned === undefined ? undefined : created.get(owned);
  return frames ? `, created at ${frames}` : '';
}

/**
 * The native handle behind a Node object (a net.Socket's TCP or Pipe, a ChildProcess's Process). A
 * dgram socket keeps it in its state symbol: its `_handle` getter is deprecated and warns.
 */
function nativeOf(h: object): object {
  const inState = (): unknown =>
    Object.getOwnPropertySymbols(h)
      .map((sym): unknown => Reflect.get(h, sym))
      .map((state) => (typeof state === 'object' && state !== null ? field(state, 'handle') : undefined))
      .find((x) => x !== undefined);
  const handle = h instanceof dgram.Socket ? inState() : field(h, '_handle');
  return typeof handle === 'object' && handle !== null ? handle : h;
}

function describeHandle(h: object): string {
  const native = nativeOf(h).constructor.name;
  const isServer = h.constructor.name === 'Server';
  const spawnargs = field(h, 'spawnargs');
  if (Array.isArray(spawnargs)) return `child process ${String(field(h, 'pid'))} (${spawnargs.join(' ').slice(0, 160)})`;
  const address = field(h, 'address');
  const bound = (): string => {
    try {
      return typeof address === 'function' ? JSON.stringify(address.call(h)) : '?';
    } catch {
      return 'unbound';
    }
  };
  if (isServer) return `${native === 'Pipe' ? 'pipe' : 'TCP'} server listening on ${bound()}`;
  if (native === 'UDP') return `UDP socket bound to ${bound()}`;
  if (native === 'TCP') return `TCP socket ${String(field(h, 'localAddress'))}:${String(field(h, 'localPort'))} -> ${String(field(h, 'remoteAddress'))}:${String(field(h, 'remotePort'))}`;
  const fd = field(nativeOf(h), 'fd');
  if (native === 'Pipe') return `pipe${typeof fd === 'number' && fd >= 0 ? ` (fd ${fd})` : ''} (a child process's stdio, or a Unix socket)`;
  return `${h.constructor.name} (${native})`;
}

function describeTimer(t: object): string {
  const repeat = numberField(t, '_repeat');
  const callback = field(t, '_onTimeout');
  const name = typeof callback === 'function' && callback.name !== '' ? ` ${callback.name}()` : '';
  return `${repeat === undefined ? 'setTimeout' : 'setInterval'}(${name.trim() || 'fn'}, ${numberField(t, '_idleTimeout') ?? '?'} ms)`;
}

/** The type getActiveResourcesInfo() gives the handle behind an object of `_getActiveHandles()`. */
function resourceTypeOf(h: object): string {
  const native = nativeOf(h).constructor.name;
  const isServer = h.constructor.name === 'Server';
  const types: Record<string, string> = { TCP: isServer ? 'TCPServerWrap' : 'TCPSocketWrap', Pipe: isServer ? 'PipeServerWrap' : 'PipeWrap', TTY: 'TTYWrap', UDP: 'UDPWrap', Process: 'ProcessWrap' };
  return types[native] ?? native;
}

/**
 * Compares now with a baseline. `ignoreTimer` is the running hook's own mocha timer.
 * Counted types whose excess is explained by a named handle or timer are not repeated.
 */
export function leaksSince(baseline: Snapshot, now: Snapshot, ignoreTimer?: unknown): Leaks {
  const handles = [...now.handles].filter((h) => !baseline.handles.has(h));
  const timers = [...now.timers].filter((t) => !baseline.timers.has(t) && t !== ignoreTimer);
  const processes = [...now.processes.values()].filter((p) => !baseline.processes.has(p.pid));
  const lines: string[] = [];
  for (const h of handles) lines.push(`${describeHandle(h)}${where(h)}`);
  for (const t of timers) lines.push(`${describeTimer(t)}${where(t)}`);
  const described = new Set(handles.map((h) => field(h, 'pid')));
  for (const p of processes.filter((p) => !described.has(p.pid))) lines.push(`process ${p.pid} (${p.state === 'Z' ? 'exited, not reaped' : `state ${p.state}`}, parent ${p.ppid}): ${p.command.slice(0, 160)}`);
  // Whatever else keeps the loop alive: the excess over the baseline, by type, less what was named above.
  const named = countTypes([...handles.map(resourceTypeOf), ...timers.map(() => 'Timeout')]);
  for (const [type, count] of now.counts) {
    const excess = count - (baseline.counts.get(type) ?? 0) - (named.get(type) ?? 0);
    if (excess > 0) lines.push(`${excess} × ${type} (${type === 'Timeout' ? 'a timer under 1 s, re-armed again and again?' : 'not named by Node'})`);
  }
  return { lines, handles, timers, processes };
}

/**
 * After a leak was reported: stop it from holding the process (unref) and kill leaked processes, so
 * that the run still ends by itself and the next suite is not blamed for it.
 */
export function defuse(leaks: Leaks): void {
  for (const o of [...leaks.handles, ...leaks.timers]) {
    const unref = field(o, 'unref');
    if (typeof unref === 'function') unref.call(o);
  }
  for (const p of leaks.processes) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
