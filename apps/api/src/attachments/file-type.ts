/** The file types accepted as evidence, as stored and served. */
export const ACCEPTED_TYPES = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  text: 'text/plain; charset=utf-8',
} as const;

export type AcceptedType = (typeof ACCEPTED_TYPES)[keyof typeof ACCEPTED_TYPES];

/** The accepted types that are images: what a PHOTO must be. */
export function isImage(type: AcceptedType): boolean {
  return type === ACCEPTED_TYPES.png || type === ACCEPTED_TYPES.jpeg;
}

/** The file name extensions of each accepted type, the usual one first. */
const EXTENSIONS: Record<AcceptedType, readonly [string, ...string[]]> = {
  [ACCEPTED_TYPES.pdf]: ['pdf'],
  [ACCEPTED_TYPES.png]: ['png'],
  [ACCEPTED_TYPES.jpeg]: ['jpg', 'jpeg'],
  [ACCEPTED_TYPES.text]: ['txt'],
};

/**
 * The extensions a file of this stored content type may carry, the usual one first (`bin` for a
 * type not accepted, which is never stored).
 */
export function extensionsOf(contentType: string): readonly [string, ...string[]] {
  return EXTENSIONS[contentType as AcceptedType] ?? ['bin'];
}

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, magic: number[]): boolean =>
  bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);

// Control characters other than tab, LF and CR: C0, DEL and C1.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !CONTROL.test(text);
}

/**
 * What the bytes are, from their signature (never the name or the client's claimed type);
 * undefined for anything that is not PDF, PNG, JPEG or UTF-8 plain text.
 */
export function detectFileType(bytes: Uint8Array): AcceptedType | undefined {
  if (bytes.length === 0) return undefined;
  if (startsWith(bytes, PDF)) return ACCEPTED_TYPES.pdf;
  if (startsWith(bytes, PNG)) return ACCEPTED_TYPES.png;
  if (startsWith(bytes, JPEG)) return ACCEPTED_TYPES.jpeg;
  if (isPlainText(bytes)) return ACCEPTED_TYPES.text;
  return undefined;
}
