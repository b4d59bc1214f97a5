/**
 * gql.twitch.tv as twitch.tv's web app calls it: a POST of persisted queries (an operation's name and
 * the sha256 of its query text, which Twitch's servers hold) with the web app's public Client-ID. A
 * batch is a JSON array and is answered by an array in the same order.
 */
import * as t from 'io-ts';
import type { Fetcher } from '../types';
import { GqlErrors, GqlRefusal } from './codecs';
import { decodeText, decodeValue } from '../service-api/decode';
import { fetchAnswer } from './http';
import { malformedAnswer } from '../service-api/answers';

export const GQL_URL = 'https://gql.twitch.tv/gql';

/** The Client-ID of twitch.tv's own web player: public in its pages, and what maintained clients send (streamlink). */
export const WEB_CLIENT_ID = 'kimne78kx3ncx6brgo4mv6wki5h1ko';

/**
 * The persisted queries hiqty sends, by operation name, with the hashes twitch.tv's web app uses as
 * streamlink's twitch plugin observes them. Known limit: Twitch retires a hash when its web app's query
 * changes; it then answers PersistedQueryNotFound, which hiqty reports as such (and this table needs
 * the new hash).
 */
export const PERSISTED_QUERIES = {
  PlaybackAccessToken: 'ed230aa1e33e07eebb8928504583da78a5173989fadfb1ac94be06a04f3cdbe9',
  ChannelShell: 'fea4573a7bf2644f5b3f2cbbdcbee0d17312e48d2e55f080589d053aad353f11',
  StreamMetadata: 'b57f9b910f8cd1a4659d894fe7550ccc81ec9052c01e438b290fd66a040b9b93',
  VideoMetadata: '45111672eea2e507f8ba44d101a61862f9c56b11dee09a15634cb75cb9b9084d',
} as const;

export type OperationName = keyof typeof PERSISTED_QUERIES;

export interface GqlOperation {
  readonly operationName: OperationName;
  readonly variables: Readonly<Record<string, string | boolean>>;
}

export interface GqlDeps {
  readonly fetch: Fetcher;
  /** Default WEB_CLIENT_ID. */
  readonly clientId?: string;
  readonly timeoutMs?: number;
}

export type GqlOutcome =
  /** One answer per operation, in order, each still to be decoded by its caller. */
  | { readonly kind: 'ok'; readonly answers: readonly unknown[] }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

function requestBody(ops: readonly GqlOperation[]): string {
  return JSON.stringify(
    ops.map((op) => ({
      operationName: op.operationName,
      extensions: { persistedQuery: { version: 1, sha256Hash: PERSISTED_QUERIES[op.operationName] } },
      variables: op.variables,
    })),
  );
}

/** Why one operation's answer is an error, or undefined when it is data. */
function answerError(answer: unknown): string | undefined {
  const errors = decodeValue(GqlErrors, answer);
  if ('error' in errors) return undefined;
  const messages = errors.ok.errors.map((e) => e.message);
  if (messages.includes('PersistedQueryNotFound')) return 'Twitch no longer knows the query hiqty sends (PersistedQueryNotFound)';
  return `Twitch answered with an error (${messages.join('; ') || 'no message'})`;
}

/** Runs a batch of persisted queries. Any failed operation fails the batch: hiqty asks only for what it needs. */
export async function gql(deps: GqlDeps, ops: readonly GqlOperation[], signal: AbortSignal | undefined): Promise<GqlOutcome> {
  const answer = await fetchAnswer(deps.fetch, GQL_URL, {
    method: 'POST',
    headers: { 'client-id': deps.clientId ?? WEB_CLIENT_ID, 'content-type': 'text/plain;charset=UTF-8', accept: 'application/json' },
    body: requestBody(ops),
    signal,
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
  });
  if (answer.kind === 'cancelled') return answer;
  if (answer.kind === 'failed') return { kind: 'failed', reason: `gql.twitch.tv could not be reached (${answer.reason})` };
  if (answer.status !== 200) {
    const refusal = decodeText(GqlRefusal, answer.text);
    const why = 'ok' in refusal ? `: ${refusal.ok.message}` : '';
    return { kind: 'failed', reason: `gql.twitch.tv answered HTTP ${answer.status}${why}` };
  }
  const answers = decodeText(t.array(t.unknown), answer.text);
  if ('error' in answers) return malformedAnswer('gql.twitch.tv', answers.error);
  if (answers.ok.length !== ops.length) return { kind: 'failed', reason: `gql.twitch.tv answered ${answers.ok.length} of ${ops.length} queries` };
  for (const one of answers.ok) {
    const error = answerError(one);
    if (error !== undefined) return { kind: 'failed', reason: error };
  }
  return { kind: 'ok', answers: answers.ok };
}
