import { extensionsOf } from './file-type';

export const MAX_FILE_NAME_LENGTH = 255;
const FALLBACK_NAME = 'attachment';

// Control characters (C0, DEL, C1) and the bidi overrides that make `txt.exe` read as `exe.txt`.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The client's file name made safe to store and show: its last path segment, without control
 * characters, quotes or bidi overrides, at most 255 characters. Never used to decide the type.
 */
export function sanitizeFileName(name: string | undefined): string {
  const base = (name ?? '').normalize('NFC').split(/[/\\]/).pop() ?? '';
  const clean = base.replace(INVISIBLE, '').replace(/"/g, '').trim();
  const short = Array.from(clean).slice(0, MAX_FILE_NAME_LENGTH).join('');
  return short === '' || /^\.+$/.test(short) ? FALLBACK_NAME : short;
}

// What reads as an extension: letters and digits after the last dot, not at the start.
const EXTENSION = /(?<=.)\.([\p{L}\p{N}]{1,16})$/u;

/**
 * The name a file is given out under (its listing, its download): its own name with the
 * extension of its detected type in place of its own, or added when it has none, so that a text
 * file uploaded as `receipt.bat` or `page.html` is saved as `receipt.txt` or `page.txt`. An
 * extension that already fits the type stays as it is.
 */
export function servedFileName(name: string, contentType: string): string {
  const extensions = extensionsOf(contentType);
  const own = EXTENSION.exec(name);
  if (own && extensions.includes(own[1].toLowerCase())) return name;
  const suffix = `.${extensions[0]}`;
  const stem = own ? name.slice(0, own.index) : name;
  return (
    Array.from(stem)
      .slice(0, MAX_FILE_NAME_LENGTH - suffix.length)
      .join('') + suffix
  );
}

// RFC 8187 attr-char: what may stay unencoded in filename*.
const encodeRfc8187 = (value: string): string =>
  encodeURIComponent(value).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * `attachment` with an ASCII `filename` for old clients and the exact name as `filename*`
 * (RFC 6266), so that no name can inject a header, a parameter or a path.
 */
export function contentDisposition(fileName: string): string {
  const name = sanitizeFileName(fileName);
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\%;]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}
