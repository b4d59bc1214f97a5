/** A link's name when its file has no tags: the last path segment without its extension, else the host. */
export function titleFromUrl(url: URL): string {
  const last = url.pathname.split('/').filter((s) => s !== '').pop();
  let name = last ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape is still a readable name as it is.
  }
  name = name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[_+]/g, ' ').trim();
  return name !== '' ? name.slice(0, 200) : url.host;
}
