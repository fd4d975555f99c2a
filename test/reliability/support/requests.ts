import type { Response } from 'supertest';
import type { TestApp } from '../../support/app';
import { PNG } from '../../support/fixtures';
import type { Route } from './routes';

/**
 * Sends one request to a route: `body` as JSON (or, for the upload route, a valid multipart
 * photo when `body` is undefined), with the headers given.
 */
export function send(
  t: TestApp,
  route: Pick<Route, 'method' | 'body'>,
  url: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Response> {
  const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
  const req = t.http[method](url);
  for (const [name, value] of Object.entries(options.headers ?? {})) void req.set(name, value);
  if (route.body === 'multipart' && options.body === undefined) {
    return req
      .field('kind', 'PHOTO')
      .attach('file', PNG, { filename: 'photo.png', contentType: 'image/png' });
  }
  if (options.body !== undefined) return req.send(options.body as object);
  return req;
}
