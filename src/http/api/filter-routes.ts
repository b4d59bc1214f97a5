/**
 * The guild's audio filters over the REST API (issue 16): read them, or apply one typed change, the same
 * op /filter calls (src/ops/filters.ts). A value out of bounds answers 400 with what is allowed.
 */
import * as E from 'fp-ts/Either';
import { decode } from '../../codecs';
import { BASS_LEVELS, EQ_BAND_COUNT, EQ_MAX_DB, EQ_MIN_DB, FACTOR_MAX, FACTOR_MIN, FACTORS, FILTER_PARTS, FilterChange, PRESETS, refusalText } from '../../filters';
import { translator } from '../../i18n';
import * as ops from '../../ops';
import type { JsonSchema } from './bodies';
import { apiError, fromOpError, type ApiError } from './errors';
import type { RouteSpec } from './routes';

const en = translator('en');
const factor = { type: 'number', minimum: FACTOR_MIN, maximum: FACTOR_MAX };

const filtersSchema: JsonSchema = {
  type: 'object',
  description: 'The settings field `filters` (absent fields are off)',
  properties: {
    bassboost: { type: 'string', enum: [...BASS_LEVELS] },
    nightcore: { const: true },
    vaporwave: { const: true },
    eightD: { const: true },
    karaoke: { const: true },
    tremolo: { const: true },
    vibrato: { const: true },
    equalizer: { type: 'array', minItems: EQ_BAND_COUNT, maxItems: EQ_BAND_COUNT, items: { type: 'number', minimum: EQ_MIN_DB, maximum: EQ_MAX_DB }, description: 'dB at 31, 62, 125, 250, 500 Hz, 1, 2, 4, 8, 16 kHz' },
    speed: factor,
    pitch: factor,
    rate: factor,
  },
};

/** One change, as FilterChange decodes it; numbers are checked by the op, which says what is allowed. */
const changeSchema: JsonSchema = {
  oneOf: [
    { type: 'object', required: ['kind', 'name'], properties: { kind: { const: 'preset' }, name: { type: 'string', enum: [...PRESETS] }, level: { type: 'string', enum: [...BASS_LEVELS] } } },
    { type: 'object', required: ['kind', 'band', 'gain'], properties: { kind: { const: 'band' }, band: { type: 'integer', minimum: 1, maximum: EQ_BAND_COUNT }, gain: { type: 'number', minimum: EQ_MIN_DB, maximum: EQ_MAX_DB } } },
    { type: 'object', required: ['kind', 'gains'], properties: { kind: { const: 'bands' }, gains: { type: 'string', description: 'Up to 10 gains in dB from the lowest band: "3 2 0 0 -2"' } } },
    { type: 'object', required: ['kind', 'which', 'value'], properties: { kind: { const: 'factor' }, which: { type: 'string', enum: [...FACTORS] }, value: factor } },
    { type: 'object', required: ['kind'], properties: { kind: { const: 'off' }, part: { type: 'string', enum: [...FILTER_PARTS] } } },
  ],
  examples: [{ kind: 'preset', name: 'nightcore' }, { kind: 'band', band: 1, gain: 6 }, { kind: 'factor', which: 'speed', value: 1.25 }, { kind: 'off' }],
};

const viewSchema: JsonSchema = {
  type: 'object',
  required: ['kind', 'filters'],
  properties: { kind: { const: 'filters' }, filters: filtersSchema, before: filtersSchema, changed: { type: 'boolean' }, corrupt: { type: 'string', description: 'Why the stored value could not be read (the guild plays with none)' } },
};

/** A filter op's refusal as an API error (shared with the dashboard). */
export function fromFilterError(e: ops.FilterError): ApiError {
  return e.kind === 'op' ? fromOpError(e.error) : apiError(400, `filter-${e.refusal.kind}`, refusalText(e.refusal, en));
}

export const FILTER_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/guilds/:id/filters',
    summary: 'The audio filters of the guild',
    needsGuild: false,
    ok: { status: 200, schema: viewSchema },
    errors: [400],
    handle: async ({ deps, guild }) => E.mapLeft(fromFilterError)(await ops.readFilters(deps)({ guild })()),
  },
  {
    method: 'PATCH',
    path: '/guilds/:id/filters',
    summary: 'Apply one change to the audio filters (a preset, an equalizer band or all bands, speed/pitch/rate, off); the current track goes on from its position with them',
    needsGuild: false,
    body: { schema: changeSchema, required: true },
    ok: { status: 200, schema: viewSchema },
    errors: [400, 413],
    handle: async ({ deps, guild, body }) => {
      const change = decode(FilterChange, body ?? {});
      if (E.isLeft(change)) return E.left(apiError(400, 'invalid-body', change.left.join('; ')));
      return E.mapLeft(fromFilterError)(await ops.setFilters(deps)({ guild, change: change.right })());
    },
  },
];
