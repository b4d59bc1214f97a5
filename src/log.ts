import pino from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Field paths that may carry secrets; pino replaces them before a line is written. */
const REDACT = [
  'token',
  '*.token',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'config.DISCORD_TOKEN',
  'config.HIQTY_API_TOKEN',
  'config.HIQTY_SPOTIFY_CLIENT_SECRET',
  'config.REDIS_URL',
  'config.REDIS_PASSWORD',
  'config.REDIS_SENTINEL_PASSWORD',
];

/** One JSON object per line, on stdout unless another destination is given (tests read their app's lines). */
export function createLogger(level: LogLevel, base: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base,
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** A logger that writes nothing: for tests and tools that have no use for logs. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** Hides the password in a redis:// URL so that it can be logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
