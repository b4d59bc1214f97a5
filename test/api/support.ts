/** Helpers of the REST API and CLI tests: an HTTP client with a token, and a full dump of a guild's keys. */
import type { Redis } from 'ioredis';
import { guildKeys, GUILDS_KEY } from '../../src/state';

export const TOKEN = 'api-test-token-0123456789';

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export function apiClient(port: number) {
  const base = `http://127.0.0.1:${port}/api/v1`;
  return async (method: string, path: string, options: { body?: unknown; raw?: string; token?: string | null; contentType?: string } = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? TOKEN : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${base}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the failure message
    }
    return { status: response.status, body, headers: response.headers };
  };
}

/** Every key of the guild with its type and full content, and its index membership: "nothing changed" compares these. */
export async function dumpGuild(db: Redis, guild: string): Promise<string> {
  const out: Record<string, unknown> = { indexed: await db.sismember(GUILDS_KEY, guild) };
  const keys = [...Object.values(guildKeys(guild)), ...(await db.keys(`hiqty:server:${guild}:*`))];
  for (const key of [...new Set(keys)].sort()) {
    const type = await db.type(key);
    if (type === 'none') continue;
    // The player's observed state (status, lock, epoch, the now-playing message) moves by itself while it plays.
    if (/:(status|player_lock|epoch|np_message)$/.test(key)) continue;
    const value = type === 'list' ? await db.lrange(key, 0, -1) : type === 'hash' ? await db.hgetall(key) : type === 'set' ? (await db.smembers(key)).sort() : await db.get(key);
    out[key] = { type, value };
  }
  return JSON.stringify(out);
}

export function field(value: unknown, ...path: string[]): unknown {
  let v: unknown = value;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = Object.entries(v).find(([k]) => k === p)?.[1];
  }
  return v;
}

export function errorOf(answer: Answer): string | undefined {
  const e = field(answer.body, 'error');
  return typeof e === 'string' ? e : undefined;
}
