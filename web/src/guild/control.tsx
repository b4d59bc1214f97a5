/**
 * A button for an action the policy may refuse. A refused one stays focusable (aria-disabled, not
 * disabled) so keyboard and screen-reader users can reach it and learn why: the reason is its tooltip,
 * its description, and the toast a press shows.
 */
import type { ComponentChildren } from 'preact';
import type { Action } from '../api/codecs';
import { toast } from '../toast';
import { permission, type Can } from './actions';

export interface ControlProps {
  readonly can: Can;
  readonly action: Action;
  readonly testid: string;
  readonly label: string;
  readonly onPress: () => void;
  readonly children?: ComponentChildren;
  readonly class?: string;
  /** Off for a reason of the page's own (nothing to act on), with that reason. */
  readonly unavailable?: string | undefined;
}

export function Control(p: ControlProps) {
  const { allowed, reason } = permission(p.can, p.action);
  const why = reason ?? p.unavailable;
  return (
    <button
      type="button"
      class={`control ${p.class ?? ''} ${why === undefined ? '' : 'is-disabled'}`}
      data-testid={p.testid}
      aria-label={p.label}
      aria-disabled={why === undefined ? undefined : 'true'}
      title={why ?? p.label}
      onClick={() => {
        if (!allowed && reason !== undefined) toast(reason);
        else if (why === undefined) p.onPress();
      }}
    >
      {p.children ?? p.label}
    </button>
  );
}
