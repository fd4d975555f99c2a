import { createLogger } from './logger';

/** The lines a logger wrote, parsed. */
function capture(): { lines: Array<Record<string, unknown>>; write(line: string): void } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  const secret = 'Bearer eyJhbGciOiJIUzI1NiJ9.secret';
  const headers = { authorization: secret, cookie: 'session=secret', accept: 'application/json' };

  it('never writes a token or a cookie, wherever headers are logged', () => {
    const out = capture();
    const logger = createLogger('trace', out);
    logger.info({ headers }, 'headers');
    logger.info({ req: { headers } }, 'a raw request');
    logger.trace({ busboyOptions: { headers } }, 'multipart');
    expect(out.lines).toHaveLength(3);
    expect(JSON.stringify(out.lines)).not.toContain('secret');
    expect(out.lines[0].headers).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      accept: 'application/json',
    });
  });

  it('writes a request as its id, method and URL, none of its headers', () => {
    const out = capture();
    createLogger('info', out).info(
      { req: { id: 'r-1', method: 'GET', url: '/v1/refunds', headers } },
      'request completed',
    );
    expect(out.lines[0].req).toEqual({ id: 'r-1', method: 'GET', url: '/v1/refunds' });
  });
});
