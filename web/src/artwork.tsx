/** Cover art, or a note where there is none or it does not load (a service's image host out of reach). */
import { useState } from 'preact/hooks';
import { Icon } from './icons';

export function Artwork({ src, class: cls }: { readonly src: string | null | undefined; readonly class: string }) {
  const [failed, setFailed] = useState<string | undefined>(undefined);
  if (src === null || src === undefined || src === failed)
    return (
      <span class={`${cls} artwork-none`} aria-hidden="true">
        <Icon name="note" />
      </span>
    );
  return <img class={cls} src={src} alt="" referrerpolicy="no-referrer" onError={() => setFailed(src)} />;
}
