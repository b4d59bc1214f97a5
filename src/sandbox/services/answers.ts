/**
 * How the metadata fakes (Spotify, Apple Music, Deezer) answer: JSON and text with their lengths, a
 * request's body, and the scripted "too many requests" every one of them can be told to give.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A request's body as text (a token request's form); small, as the fakes' callers send. */
export async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * "Too many requests" for the next N requests of an API, as the service says it: `answer` sends the
 * service's own 429 with `Retry-After` in seconds (or, for Deezer's quota, its HTTP 200 error object).
 */
export class Throttle {
  private left = 0;
  private retryAfterS = 1;

  constructor(private readonly answer: (res: ServerResponse, retryAfterS: number) => void) {}

  /** The next `count` requests are throttled, each asking to wait `retryAfterS` seconds. */
  next(count: number, retryAfterS = 1): void {
    this.left = count;
    this.retryAfterS = retryAfterS;
  }

  /** Answers the throttle if one is due, and says whether it did. */
  take(res: ServerResponse): boolean {
    if (this.left <= 0) return false;
    this.left--;
    this.answer(res, this.retryAfterS);
    return true;
  }
}
