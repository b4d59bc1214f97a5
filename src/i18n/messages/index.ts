/**
 * Every namespace, by name. A feature adds its messages as one file beside this one (all six languages
 * in it) and one line here; keys are then written `namespace:key`.
 */
import { announce } from './announce';
import { commands } from './commands';
import { autoplay } from './autoplay';
import { common } from './common';
import { errors } from './errors';
import { render } from './render';
import { replies } from './replies';
import { history } from './history';
import { lyrics } from './lyrics';
import { playlists } from './playlists';
import { filters } from './filters';
import type { Namespace } from './types';

export const NAMESPACES: Readonly<Record<string, Namespace>> = {
  common,
  announce,
  commands,
  errors,
  replies,
  render,
  history,
  lyrics,
  playlists,
  filters,
  autoplay,
};

export type { Messages, Namespace } from './types';
