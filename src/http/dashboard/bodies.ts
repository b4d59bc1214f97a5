/** The dashboard's request bodies and query strings (io-ts); where a body is the REST API's, its codec is reused. */
import * as t from 'io-ts';
import { intFromString, intInRange } from '../../codecs';
import { LoopMode } from '../../state';
import { strict } from '../api/bodies';

export { EmptyBody, MoveBody, SettingsBody } from '../api/bodies';

const Query = new t.Type<string, string, unknown>(
  'words to search for or a link, at most 2000 characters',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && u.trim().length > 0 && u.length <= 2000 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export const AddBody = strict('add body', { query: Query }, { next: t.boolean });
/** The position to jump to, in ms from the start of the track. */
export const SeekBody = strict('seek body', { positionMs: intInRange(0, 24 * 3_600_000) }, {});
export const VolumeBody = strict('volume body', { percent: t.number }, {});
export const LoopBody = strict('loop body', { mode: LoopMode }, {});
export const AutoplayBody = strict('autoplay body', { enabled: t.boolean }, {});

/** GET .../history?limit= : the newest entries, 1 to 25 (default 10). */
export const HistoryQuery = strict('history parameters', {}, { limit: intFromString(1, 25) });
export const DEFAULT_HISTORY_LIMIT = 10;
