import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { hostOf, isPublicAddress, publicOnlyLookup } from './safe-url';

/** How much of a receiver's answer is read, and how much of it is kept. */
const READ_LIMIT = 1024;
const EXCERPT_LENGTH = 200;

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** At most EXCERPT_LENGTH characters of the answer, control characters removed. */
  excerpt: string | null;
  durationMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  headers: Record<string, string>;
}

/**
 * POSTs one webhook: no redirects followed, the whole exchange bounded by the timeout, only a
 * short excerpt of the answer read. 2xx is success; anything else, or no answer, is a failure.
 */
export async function postWebhook(
  url: URL,
  body: string,
  options: SendOptions,
): Promise<SendResult> {
  const started = Date.now();
  const done = (result: Omit<SendResult, 'durationMs'>): SendResult => ({
    ...result,
    durationMs: Date.now() - started,
  });
  const host = hostOf(url);
  if (!options.allowPrivate && url.protocol !== 'https:') {
    return done({ ok: false, statusCode: null, error: 'refused: not https', excerpt: null });
  }
  if (!options.allowPrivate && isIP(host) && !isPublicAddress(host)) {
    return done({
      ok: false,
      statusCode: null,
      error: 'refused: the URL points to a loopback, private or reserved address',
      excerpt: null,
    });
  }
  try {
    const { statusCode, text } = await send(url, body, options);
    return done({
      ok: statusCode >= 200 && statusCode < 300,
      statusCode,
      error: null,
      excerpt: excerpt(text),
    });
  } catch (error) {
    return done({ ok: false, statusCode: null, error: describe(error, options), excerpt: null });
  }
}

function send(
  url: URL,
  body: string,
  options: SendOptions,
): Promise<{ statusCode: number; text: string }> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(options.timeoutMs),
        ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let read = 0;
        const finish = () =>
          resolve({
            statusCode: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        response.on('data', (chunk: Buffer) => {
          if (read >= READ_LIMIT) return;
          chunks.push(chunk.subarray(0, READ_LIMIT - read));
          read += chunk.length;
          // Enough read: the rest of the answer is never stored, so it is not waited for.
          if (read >= READ_LIMIT) {
            response.destroy();
            finish();
          }
        });
        response.on('end', finish);
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function excerpt(text: string): string | null {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean ? clean.slice(0, EXCERPT_LENGTH) : null;
}

function describe(error: unknown, options: SendOptions): string {
  const problem = error as NodeJS.ErrnoException;
  if (problem.name === 'TimeoutError' || problem.name === 'AbortError') {
    return `timed out after ${options.timeoutMs} ms`;
  }
  if (problem.code === 'ENOTPUBLIC') return `refused: ${problem.message}`;
  return [problem.code, problem.message].filter(Boolean).join(': ').slice(0, EXCERPT_LENGTH);
}
