import { ACCEPTED_TYPES, detectFileType } from './file-type';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('detectFileType', () => {
  it('recognises PDF, PNG and JPEG by their signatures', () => {
    expect(detectFileType(text('%PDF-1.7\n%âãÏÓ\n'))).toBe(ACCEPTED_TYPES.pdf);
    expect(detectFileType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13))).toBe(
      ACCEPTED_TYPES.png,
    );
    expect(detectFileType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46))).toBe(
      ACCEPTED_TYPES.jpeg,
    );
  });

  it('accepts UTF-8 text with tabs, line breaks, a BOM and non-Latin scripts', () => {
    expect(detectFileType(text('Order 1001\r\n\tpaid Rp 15.000 — 退款\n'))).toBe(
      ACCEPTED_TYPES.text,
    );
    expect(detectFileType(text('\ufeffhello'))).toBe(ACCEPTED_TYPES.text);
    expect(detectFileType(text('<html><body>not markup to us</body></html>'))).toBe(
      ACCEPTED_TYPES.text,
    );
  });

  it('refuses executables, archives and other binaries', () => {
    expect(detectFileType(bytes(0x4d, 0x5a, 0x90, 0x00, 0x03))).toBeUndefined(); // MZ (.exe)
    expect(detectFileType(bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00))).toBeUndefined(); // zip
    expect(detectFileType(bytes(0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00))).toBeUndefined(); // GIF
    expect(detectFileType(bytes(0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01))).toBeUndefined(); // ELF
  });

  it('refuses text with NUL or other control characters, and invalid UTF-8', () => {
    expect(detectFileType(text('<html>\u0000</html>'))).toBeUndefined();
    expect(detectFileType(text('bell\u0007'))).toBeUndefined();
    expect(detectFileType(text('escape \u001b[31m'))).toBeUndefined();
    expect(detectFileType(text('delete\u007f'))).toBeUndefined();
    expect(detectFileType(text('c1 \u0085'))).toBeUndefined();
    expect(detectFileType(bytes(0x68, 0x69, 0xc3, 0x28))).toBeUndefined();
    expect(detectFileType(bytes(0xff, 0xfe, 0x68, 0x00))).toBeUndefined(); // UTF-16LE
  });

  it('needs the whole signature, and something to look at', () => {
    expect(detectFileType(bytes(0x89, 0x50, 0x4e, 0x47))).toBeUndefined();
    expect(detectFileType(bytes(0xff, 0xd8))).toBeUndefined();
    expect(detectFileType(text('%PDF'))).toBe(ACCEPTED_TYPES.text);
    expect(detectFileType(new Uint8Array(0))).toBeUndefined();
  });
});
