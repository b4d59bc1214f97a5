/** The service layer's configuration as `hiqty run` decodes it, from a few variables: every other setting at its default. */
import { isLeft } from 'fp-ts/Either';
import { loadConfig } from '../../src/config';
import type { ServiceConfig } from '../../src/sources';

export function serviceConfig(env: NodeJS.ProcessEnv = {}): ServiceConfig {
  const decoded = loadConfig(env);
  if (isLeft(decoded)) throw new Error(decoded.left.map((e) => e.message).join('; '));
  return decoded.right;
}
