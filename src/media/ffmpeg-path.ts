/**
 * Finds the ffmpeg binary the same way for the bot and the sandbox, and says where it came from so
 * start-up logs and `doctor`-style checks can tell an operator which ffmpeg is actually in use.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type FfmpegSource = 'env' | 'ffmpeg-static' | 'path';

export interface ResolvedFfmpeg {
  readonly path: string;
  readonly source: FfmpegSource;
  /** False only for the PATH fallback when no executable named ffmpeg was found on PATH. */
  readonly found: boolean;
}

export interface FfmpegLookup {
  /** Resolves `ffmpeg-static`'s exported binary path; undefined when the package is absent. */
  readonly ffmpegStatic?: () => string | undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * ffmpeg-static is an optional dependency whose install downloads a binary; on machines without
 * internet the package may be present while its binary is not, so both must be checked.
 */
export function ffmpegStaticPath(): string | undefined {
  const load = createRequire(__filename);
  let exported: unknown;
  try {
    exported = load('ffmpeg-static');
  } catch {
    return undefined;
  }
  if (typeof exported === 'string') return exported;
  if (typeof exported === 'object' && exported !== null && 'default' in exported && typeof exported.default === 'string') {
    return exported.default;
  }
  return undefined;
}

function findOnPath(name: string, envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** FFMPEG_PATH wins, then a working ffmpeg-static, then `ffmpeg` on PATH. */
export function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env, lookup: FfmpegLookup = {}): ResolvedFfmpeg {
  const fromEnv = env.FFMPEG_PATH;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { path: fromEnv, source: 'env', found: isExecutableFile(fromEnv) };
  }
  const staticPath = (lookup.ffmpegStatic ?? ffmpegStaticPath)();
  if (staticPath !== undefined && isExecutableFile(staticPath)) {
    return { path: staticPath, source: 'ffmpeg-static', found: true };
  }
  const onPath = findOnPath('ffmpeg', env.PATH);
  return onPath !== undefined ? { path: onPath, source: 'path', found: true } : { path: 'ffmpeg', source: 'path', found: false };
}
