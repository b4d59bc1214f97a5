/**
 * Why a media input (a ranged reader, an HLS reader) stopped, in words fit for a Discord message and a
 * quarantine entry. open-track shows these messages as they are, without a "the download failed" prefix.
 */
import type { FetchOk, FetchOutcome } from './safe-fetch';

export class MediaInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaInputError';
  }
}

export function isMediaInputError(e: unknown): e is MediaInputError {
  return e instanceof MediaInputError;
}

/** One failed fetch, as open-track has always said it. */
export function fetchFailureReason(outcome: Exclude<FetchOutcome, FetchOk | { kind: 'cancelled' }>): string {
  switch (outcome.kind) {
    case 'refused':
      return `refused: ${outcome.reason}`;
    case 'http-error':
      return `the server answered ${outcome.status}`;
    case 'failed':
      return outcome.reason;
  }
}
