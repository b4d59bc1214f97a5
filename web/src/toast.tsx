/** Short messages for the member (a refused action's reason), read out by screen readers (aria-live). */
import { useEffect, useState } from 'preact/hooks';
import { Icon } from './icons';

export interface Toast {
  readonly id: number;
  readonly text: string;
  readonly tone: 'error' | 'info';
}

const TOAST_MS = 6_000;
type Listener = (toasts: readonly Toast[]) => void;
let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();

function publish(next: readonly Toast[]): void {
  toasts = next;
  listeners.forEach((l) => l(toasts));
}

export function toast(text: string, tone: Toast['tone'] = 'error'): void {
  const id = nextId++;
  publish([...toasts.slice(-3), { id, text, tone }]);
  window.setTimeout(() => publish(toasts.filter((t) => t.id !== id)), TOAST_MS);
}

export function Toasts() {
  const [shown, setShown] = useState(toasts);
  useEffect(() => {
    listeners.add(setShown);
    return () => void listeners.delete(setShown);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
      {shown.map((t) => (
        <div key={t.id} class={`toast toast-${t.tone}`} data-testid="toast">
          <span>{t.text}</span>
          <button type="button" class="toast-close" aria-label="Dismiss" onClick={() => publish(toasts.filter((x) => x.id !== t.id))}>
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
}
