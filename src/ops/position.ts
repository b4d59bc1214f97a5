/** Parses what people type as a position in a track: `83`, `1:23`, `1:02:03`, optionally with `s`. */
export function parsePosition(input: string): number | undefined {
  const text = input.trim().toLowerCase();
  if (/^\d{1,6}(\.\d{1,3})?s?$/.test(text)) return Math.round(Number(text.replace(/s$/, '')) * 1000);
  const m = /^(?:(\d{1,3}):)?(\d{1,3}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, h = '0', min = '0', sec = '0'] = m;
  // With hours, minutes are two digits below 60; seconds are always below 60.
  if (Number(sec) >= 60 || (m[1] !== undefined && Number(min) >= 60)) return undefined;
  return ((Number(h) * 60 + Number(min)) * 60 + Number(sec)) * 1000;
}
