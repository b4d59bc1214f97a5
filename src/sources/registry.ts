/**
 * The sources this instance plays from, in the order links are offered to them: services first, then
 * Discord attachments, then any other http(s) link (the url source matches them all).
 */
import type { Source, SourceName } from './types';

export class SourceRegistry {
  constructor(private readonly sources: readonly Source[]) {}

  get all(): readonly Source[] {
    return this.sources;
  }

  byName(name: string): Source | undefined {
    return this.sources.find((s) => s.name === name);
  }

  forUrl(url: URL): Source | undefined {
    return this.sources.find((s) => s.matches(url));
  }

  label(name: SourceName): string {
    return this.byName(name)?.label ?? name;
  }
}
