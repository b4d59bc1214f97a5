/**
 * Decides from a body's first bytes how a track is played: Opus in Ogg or WebM streams straight
 * through, everything that might be audio goes to ffmpeg, and what is clearly not audio is refused
 * before any ffmpeg is started. The bytes decide; Content-Type is only a hint for the reason text,
 * because servers often label audio application/octet-stream.
 */

export type ProbeResult =
  | { readonly kind: 'ogg-opus' }
  | { readonly kind: 'webm-opus' }
  /** Something ffmpeg may decode; `format` is a guess for logs ("mp3", "unknown"). */
  | { readonly kind: 'transcode'; readonly format: string }
  | { readonly kind: 'not-audio'; readonly reason: string }
  /** Not enough bytes yet to tell; call again with more (or with `ended`). */
  | { readonly kind: 'need-more' };

/** Bytes after which the probe decides with what it has. */
export const PROBE_WINDOW_BYTES = 64 * 1024;

const OGGS = Buffer.from('OggS');
const OPUS_HEAD = Buffer.from('OpusHead');
const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
const A_OPUS = Buffer.from('A_OPUS');
const CODEC_ID = Buffer.from([0x86]);

function startsWith(head: Buffer, magic: Buffer | string, at = 0): boolean {
  const m = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : magic;
  return head.length >= at + m.length && head.subarray(at, at + m.length).equals(m);
}

/** Ogg's first page carries the codec's identification header right after its segment table. */
function oggCodec(head: Buffer): 'opus' | 'other' | 'need-more' {
  if (head.length < 27) return 'need-more';
  const segments = head[26] ?? 0;
  const start = 27 + segments;
  if (head.length < start + 8) return 'need-more';
  return head.subarray(start, start + 8).equals(OPUS_HEAD) ? 'opus' : 'other';
}

/**
 * Matroska puts CodecID (0x86) "A_OPUS" in the track header, well before the first cluster.
 * A byte search is enough here: the demuxer that follows validates the structure properly.
 */
function webmCodec(head: Buffer, ended: boolean): 'opus' | 'other' | 'need-more' {
  const at = head.indexOf(A_OPUS);
  if (at > 0 && head.subarray(at - 2, at - 1).equals(CODEC_ID)) return 'opus';
  if (head.indexOf(Buffer.from([0x1f, 0x43, 0xb6, 0x75])) >= 0 || ended || head.length >= PROBE_WINDOW_BYTES) return 'other';
  return 'need-more';
}

function isMp3(head: Buffer): boolean {
  if (startsWith(head, 'ID3')) return true;
  const b0 = head[0] ?? 0;
  const b1 = head[1] ?? 0;
  return b0 === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) !== 0;
}

/** What a text body looks like ("an HTML page"), or undefined when it does not look like text. */
function textKind(head: Buffer): string | undefined {
  const sample = head.subarray(0, 512);
  const text = sample.toString('latin1').trimStart().toLowerCase();
  if (/^(<!doctype html|<html|<head|<body)/.test(text)) return 'an HTML page';
  if (/^<\?xml/.test(text)) return 'an XML document';
  if (/^[{[]/.test(text)) return 'JSON';
  // Printable ASCII and whitespace only: a page or an error message, not a codec's bytes.
  const printable = sample.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  return sample.length >= 16 && printable ? 'text' : undefined;
}

function mediaType(contentType: string | undefined): string | undefined {
  const t = contentType?.split(';')[0]?.trim().toLowerCase();
  return t === undefined || t === '' ? undefined : t;
}

/**
 * `ended` says the body has no more bytes, so `need-more` is never the answer then.
 * Known limit: an Ogg file whose first logical stream is not Opus (a multiplexed Ogg with video
 * first) is transcoded rather than passed through.
 */
export function probe(head: Buffer, contentType: string | undefined, ended: boolean): ProbeResult {
  if (head.length === 0) return ended ? { kind: 'not-audio', reason: 'the file is empty' } : { kind: 'need-more' };
  if (head.length < 4 && !ended) return { kind: 'need-more' };
  if (startsWith(head, OGGS)) {
    const codec = oggCodec(head);
    if (codec === 'need-more') {
      return ended ? { kind: 'not-audio', reason: 'the file is cut short (an incomplete Ogg header)' } : { kind: 'need-more' };
    }
    return codec === 'opus' ? { kind: 'ogg-opus' } : { kind: 'transcode', format: 'ogg' };
  }
  if (startsWith(head, EBML)) {
    const codec = webmCodec(head, ended);
    if (codec === 'need-more') return { kind: 'need-more' };
    return codec === 'opus' ? { kind: 'webm-opus' } : { kind: 'transcode', format: 'matroska' };
  }
  if (isMp3(head)) return { kind: 'transcode', format: 'mp3' };
  if (startsWith(head, 'RIFF') && startsWith(head, 'WAVE', 8)) return { kind: 'transcode', format: 'wav' };
  if (startsWith(head, 'fLaC')) return { kind: 'transcode', format: 'flac' };
  if (startsWith(head, 'ftyp', 4)) return { kind: 'transcode', format: 'mp4' };
  const type = mediaType(contentType);
  const textual = type !== undefined && /^(text\/|application\/(json|xml|xhtml))/.test(type);
  const kind = textKind(head);
  // The server's label is shown when it admits to text; when it claims audio, what the bytes look like is.
  if (kind !== undefined) return { kind: 'not-audio', reason: `not an audio file (${textual ? type : `it looks like ${kind}`})` };
  if (textual) return { kind: 'not-audio', reason: `not an audio file (${type})` };
  // ADTS AAC, raw streams and rarer containers have weak or no magic: ffmpeg's own probe decides,
  // and its error becomes the reason when it cannot.
  return { kind: 'transcode', format: 'unknown' };
}
