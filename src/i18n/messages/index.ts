/**
 * Every namespace, by name. A feature adds its messages as one file beside this one (all six languages
 * in it) and one line here; keys are then written `namespace:key`.
 */
import { autoplay } from './autoplay';
import { common } from './common';
import type { Namespace } from './types';

export const NAMESPACES: Readonly<Record<string, Namespace>> = {
  common,
  autoplay,
};

export type { Messages, Namespace } from './types';
