import { AddressInfo, connect } from 'node:net';
import fc from 'fast-check';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { startTestApp, TestApp } from '../support/app';
import { stopScheduler } from '../support/cases';
import { Attack, attack, B, MULTIPART, part } from './support/generators';
import {
  allowedRoles,
  listRoutes,
  problemFault,
  Route,
  routeName,
  validBody,
} from './support/routes';
import { tableFingerprint } from './support/snapshot';
import { buildWorld, fillPath, World } from './support/world';

const SEED = Number(process.env.FC_SEED ?? 20261126);
const PER_ROUTE = Number(process.env.HOSTILE_PER_ROUTE ?? 45);
const MIN_TOTAL = 2_000;

const HOLE = '@@hostile@@';

/** Every field of a body, nested ones included, as paths of keys. */
function fieldPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return path.length > 0 ? [path] : [];
  const entries = Object.entries(value).map(([key, child]) => [
    Array.isArray(value) ? Number(key) : key,
    child,
  ]) as [string | number, unknown][];
  return entries.flatMap(([key, child]) => fieldPaths(child, [...path, key]));
}

/** The body text with one field (maybe nested, maybe new) set to a raw JSON value. */
function withField(body: Record<string, unknown>, path: (string | number)[], raw: string): string {
  const copy = structuredClone(body) as any;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1];
  if (last === '__proto__') {
    // An own "__proto__" key, as a client can send it, not a prototype change of the copy.
    Object.defineProperty(node, '__proto__', { value: HOLE, enumerable: true });
  } else {
    node[last] = HOLE;
  }
  return JSON.stringify(copy).replace(JSON.stringify(HOLE), raw);
}

/** Percent-encodes text; a lone surrogate becomes its (invalid) UTF-8 bytes, %ED%A0%80. */
function encodeQuery(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `%ED%A0%80${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))}`;
  }
}

/** The request an attack makes on a route: method, URL, headers and raw body. */
function build(route: Route, world: World, hostile: Attack) {
  const allowed = allowedRoles(route);
  const headers: Record<string, string> =
    allowed === 'public' ? {} : { Authorization: world.tokens[allowed[0]] };
  let url = fillPath(route.path, world.own);
  const valid = validBody(route, world.own) ?? {};
  let body: string | undefined =
    route.body && route.body !== 'multipart' ? JSON.stringify(valid) : undefined;
  let contentType = body === undefined ? undefined : 'application/json';
  switch (hostile.kind) {
    case 'field': {
      if (body === undefined && route.body !== 'multipart') {
        // No body to attack: the route's query parameters instead.
        const names = [...route.query, 'unexpectedParameter'];
        const name = hostile.key === 'existing' ? names[hostile.pick % names.length] : hostile.key;
        let value: unknown = hostile.value;
        try {
          value = JSON.parse(hostile.value);
        } catch {
          // Not valid JSON after all (1e309 is): sent as written.
        }
        const text = typeof value === 'string' ? value : hostile.value;
        url = `${url}?${encodeURIComponent(name)}=${encodeQuery(text)}`;
        break;
      }
      const paths = fieldPaths(valid);
      const path =
        hostile.key === 'existing' && paths.length > 0
          ? paths[hostile.pick % paths.length]
          : [hostile.key === '__proto__' ? '__proto__' : 'unexpectedField'];
      body = withField(valid, path, hostile.value);
      contentType = 'application/json';
      break;
    }
    case 'body':
      body = hostile.body;
      contentType = 'application/json';
      break;
    case 'contentType':
      body = JSON.stringify(valid);
      contentType = hostile.contentType;
      break;
    case 'path': {
      const params = route.path.match(/\{[^}]+\}/g) ?? [];
      const param = params[hostile.pick % Math.max(params.length, 1)];
      const parts = route.path.split('/');
      url = param
        ? fillPath(parts.map((p) => (p === param ? hostile.id : p)).join('/'), world.own)
        : `${url}/${hostile.id}`;
      break;
    }
    case 'query':
      url = `${url}?${hostile.query}`;
      break;
    case 'header':
      headers[hostile.header[0]] = hostile.header[1];
      break;
    case 'multipart':
      body = hostile.body;
      contentType = `multipart/form-data${hostile.boundary ? `; boundary=${hostile.boundary}` : ''}`;
      break;
  }
  if (route.body === 'multipart') {
    // Uploads: the attack goes into a multipart body; the other attacks keep a valid one.
    if (hostile.kind === 'field') {
      const text = hostile.value.replace(/^"|"$/g, '');
      body =
        hostile.pick % 2 === 0
          ? part('kind', text) + part('file', 'evidence', 'a.txt') + `--${B}--\r\n`
          : part('kind', 'OTHER') + part('file', 'evidence', text) + `--${B}--\r\n`;
    } else if (hostile.kind === 'body') {
      body = MULTIPART[hostile.body.length % MULTIPART.length];
    } else if (hostile.kind !== 'multipart') {
      body = part('kind', 'OTHER') + part('file', 'evidence', 'a.txt') + `--${B}--\r\n`;
    }
    if (hostile.kind !== 'multipart' && hostile.kind !== 'contentType') {
      contentType = `multipart/form-data; boundary=${B}`;
    }
  }
  if (contentType) headers['Content-Type'] = contentType;
  return { url, headers, body };
}

/** A stable number per route name (FNV-1a). */
function seedOf(name: string): number {
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash % 1_000_000;
}

describe('hostile input on every route', () => {
  let t: TestApp;
  let db: Client;
  let routes: Route[];
  let world: World | undefined;
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    db = new Client({ connectionString: t.db.url });
    await db.connect();
    routes = await listRoutes(t);
    // Deletes last, or the endpoint would be gone for the routes after them.
    routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    // Background jobs write on their own; with them stopped, any change is the request's.
    await stopScheduler(t.app);
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it(`answers ${PER_ROUTE} generated requests per route without a 5xx or a half-written change`, async () => {
    console.log(`hostile input: FC_SEED=${SEED}, ${PER_ROUTE} requests per route`);
    expect(routeName(routes.find((r) => r.path === '/v1/refunds/{id}/approve')!)).toBe(
      'POST /v1/refunds/{id}/approve',
    );
    const fingerprint = await tableFingerprint(db);
    let before = await fingerprint();
    const faults: string[] = [];
    const statuses: Record<number, number> = {};
    const byKind: Record<string, Record<number, number>> = {};
    let total = 0;
    let writes = 0;
    for (const route of routes) {
      // Fresh objects per writing route, so that its requests meet them in their first states.
      if (route.method !== 'GET' || world === undefined) {
        world = await buildWorld(t);
        before = await fingerprint();
      }
      // Seeded by the route's name: a route added elsewhere leaves every other route's attacks
      // as they were.
      const attacks = fc.sample(attack, {
        seed: SEED + seedOf(routeName(route)),
        numRuns: PER_ROUTE,
      });
      for (const hostile of attacks) {
        const { url, headers, body } = build(route, world, hostile);
        const req = t.http[route.method.toLowerCase() as 'get'](url);
        for (const [name, value] of Object.entries(headers)) void req.set(name, value);
        const res: Response = await (body === undefined ? req : req.send(body));
        total++;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const kind = route.body === 'multipart' ? `upload ${hostile.kind}` : hostile.kind;
        byKind[kind] ??= {};
        byKind[kind][res.status] = (byKind[kind][res.status] ?? 0) + 1;
        const what = `${routeName(route)} ${JSON.stringify(hostile).slice(0, 200)}`;
        const fault = problemFault(res);
        if (fault) faults.push(`${what}: ${fault}`);
        const after = await fingerprint();
        if (res.status >= 400) {
          const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
          if (changed.length > 0) {
            faults.push(`${what}: refused with ${res.status} but changed ${changed.join()}`);
          }
        } else if (JSON.stringify(after) !== JSON.stringify(before)) {
          writes++;
        }
        before = after;
      }
    }
    console.log(
      `hostile input: ${total} requests, statuses ${JSON.stringify(statuses)}, ` +
        `${writes} accepted writes; by attack: ${JSON.stringify(byKind)}`,
    );
    expect(faults).toEqual([]);
    // The fingerprint does see writes: the accepted requests changed something.
    expect(writes).toBeGreaterThan(0);
    expect(total).toBeGreaterThanOrEqual(MIN_TOTAL);
  });

  it('answers HTTP that Node itself refuses (broken requests, oversized headers) with problem+json', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(text));
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    const cases: [string, number, string][] = [
      [
        'GET /v1/status HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n',
        400,
        'MALFORMED_REQUEST',
      ],
      ['GET /v1/status HTTP/9.9\r\nHost: x\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      [
        `GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'HEADERS_TOO_LARGE',
      ],
      [
        `GET /v1/refunds?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
        431,
        'HEADERS_TOO_LARGE',
      ],
      [
        'POST /v1/refunds HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        400,
        'MALFORMED_REQUEST',
      ],
    ];
    for (const [request, status, code] of cases) {
      const answer = await raw(request);
      const [head, body] = answer.split('\r\n\r\n');
      expect([request.slice(0, 40), head.split('\r\n')[0]]).toEqual([
        request.slice(0, 40),
        expect.stringMatching(new RegExp(`^HTTP/1.1 ${status} `)),
      ]);
      expect(head).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(body)).toMatchObject({ status, code });
    }
  });
});
