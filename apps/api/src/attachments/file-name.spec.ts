import {
  contentDisposition,
  MAX_FILE_NAME_LENGTH,
  sanitizeFileName,
  servedFileName,
} from './file-name';
import { ACCEPTED_TYPES } from './file-type';

describe('sanitizeFileName', () => {
  it('keeps an ordinary name, unicode included', () => {
    expect(sanitizeFileName('receipt 1001.pdf')).toBe('receipt 1001.pdf');
    expect(sanitizeFileName('收据 – café.png')).toBe('收据 – café.png');
  });

  it('drops paths, quotes, control characters and bidi overrides', () => {
    expect(sanitizeFileName('../../evil"\r\nname.png')).toBe('evilname.png');
    expect(sanitizeFileName('C:\\Users\\me\\photo.jpg')).toBe('photo.jpg');
    expect(sanitizeFileName('invoice\u202Egpj.exe')).toBe('invoicegpj.exe');
    expect(sanitizeFileName('tab\there\u0000.txt')).toBe('tabhere.txt');
  });

  it('falls back to a neutral name when nothing usable is left', () => {
    expect(sanitizeFileName(undefined)).toBe('attachment');
    expect(sanitizeFileName('')).toBe('attachment');
    expect(sanitizeFileName('../..')).toBe('attachment');
    expect(sanitizeFileName('dir/')).toBe('attachment');
  });

  it('cuts long names at 255 characters without splitting a character', () => {
    expect(sanitizeFileName('a'.repeat(300))).toHaveLength(MAX_FILE_NAME_LENGTH);
    const emoji = Array.from(sanitizeFileName('😀'.repeat(300)));
    expect(emoji).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(emoji.every((char) => char === '😀')).toBe(true);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII filename and the exact UTF-8 name as filename*', () => {
    expect(contentDisposition('receipt.pdf')).toBe(
      `attachment; filename="receipt.pdf"; filename*=UTF-8''receipt.pdf`,
    );
    expect(contentDisposition('收据 café.png')).toBe(
      `attachment; filename="__ caf_.png"; filename*=UTF-8''%E6%94%B6%E6%8D%AE%20caf%C3%A9.png`,
    );
  });

  it('cannot be broken out of, whatever the name', () => {
    const header = contentDisposition('../../evil"\r\nname.png');
    expect(header).toBe(`attachment; filename="evilname.png"; filename*=UTF-8''evilname.png`);
    const odd = contentDisposition(`it's (100%); a*b\\c.txt`);
    expect(odd).toBe(`attachment; filename="c.txt"; filename*=UTF-8''c.txt`);
    const special = contentDisposition(`it's (100%); a*b.txt`);
    expect(special).toBe(
      `attachment; filename="it's (100_)_ a*b.txt"; filename*=UTF-8''it%27s%20%28100%25%29%3B%20a%2Ab.txt`,
    );
    expect(special).not.toMatch(/[\r\n]/);
  });
});

describe('servedFileName', () => {
  const { pdf, png, jpeg, text } = ACCEPTED_TYPES;

  it('keeps a name whose extension fits the detected type, in any case', () => {
    expect(servedFileName('receipt.pdf', pdf)).toBe('receipt.pdf');
    expect(servedFileName('photo.PNG', png)).toBe('photo.PNG');
    expect(servedFileName('photo.jpeg', jpeg)).toBe('photo.jpeg');
    expect(servedFileName('photo.JPG', jpeg)).toBe('photo.JPG');
    expect(servedFileName('chat.txt', text)).toBe('chat.txt');
  });

  it("puts the detected type's extension in place of another one", () => {
    expect(servedFileName('receipt.bat', text)).toBe('receipt.txt');
    expect(servedFileName('page.html', text)).toBe('page.txt');
    expect(servedFileName('evil.exe', png)).toBe('evil.png');
    expect(servedFileName('scan.png', pdf)).toBe('scan.pdf');
    expect(servedFileName('archive.tar.gz', text)).toBe('archive.tar.txt');
  });

  it('adds it to a name without one', () => {
    expect(servedFileName('receipt', pdf)).toBe('receipt.pdf');
    expect(servedFileName('.bashrc', text)).toBe('.bashrc.txt');
    expect(servedFileName('Invoice no. 5 from the shop', text)).toBe(
      'Invoice no. 5 from the shop.txt',
    );
    expect(servedFileName('trailing.', jpeg)).toBe('trailing..jpg');
  });

  it('stays within 255 characters', () => {
    const served = servedFileName(`${'a'.repeat(251)}.bat`, text);
    expect(served).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(served.endsWith('.txt')).toBe(true);
    const long = servedFileName('a'.repeat(MAX_FILE_NAME_LENGTH), jpeg);
    expect(long).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(long.endsWith('a.jpg')).toBe(true);
  });
});
