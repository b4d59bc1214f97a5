/**
 * Lyrics cut into pages for a Discord embed (description at most 4096 characters). Pages break between
 * lines, never inside one; a blank line (a stanza break) does not start or end a page.
 */

/**
 * Characters per page: default 2000, half of an embed description's 4096, so a page reads on a phone
 * without scrolling far and the page line and markdown escapes fit beside it.
 */
export const LYRICS_PAGE_MAX_CHARS = 2000;

/** Pages of at most `maxChars` characters (a single longer line is cut with an ellipsis). Never empty. */
export function lyricsPages(text: string, maxChars = LYRICS_PAGE_MAX_CHARS): string[] {
  const pages: string[] = [];
  let current: string[] = [];
  let length = 0;
  const flush = (): void => {
    while (current.length > 0 && current[current.length - 1]?.trim() === '') current.pop();
    if (current.length > 0) pages.push(current.join('\n'));
    current = [];
    length = 0;
  };
  for (const raw of text.replace(/\r\n/g, '\n').trim().split('\n')) {
    const line = raw.length > maxChars ? `${raw.slice(0, maxChars - 1)}…` : raw.trimEnd();
    if (current.length === 0 && line.trim() === '') continue;
    const added = (current.length === 0 ? 0 : 1) + line.length;
    if (length + added > maxChars) flush();
    if (current.length === 0 && line.trim() === '') continue;
    current.push(line);
    length += (current.length === 1 ? 0 : 1) + line.length;
  }
  flush();
  return pages.length === 0 ? [''] : pages;
}
