import fc from 'fast-check';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { startTestApp, TestApp } from '../support/app';
import { stopScheduler } from '../support/cases';
import { Attack, attack } from './support/generators';
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

/** The body text with one field set to a raw JSON value (which may be anything). */
function withField(body: Record<string, unknown>, key: string, raw: string): string {
  const rest = Object.entries(body)
    .filter(([name]) => name !== key)
    .map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`);
  return `{${[...rest, `${JSON.stringify(key)}:${raw}`].join(',')}}`;
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
      const keys = Object.keys(valid);
      const key =
        hostile.key === 'existing' && keys.length > 0
          ? keys[hostile.pick % keys.length]
          : hostile.key === '__proto__'
            ? '__proto__'
            : 'unexpectedField';
      body = withField(valid, key, hostile.value);
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
  if (contentType) headers['Content-Type'] = contentType;
  return { url, headers, body };
}

describe('hostile input on every route', () => {
  let t: TestApp;
  let db: Client;
  let routes: Route[];
  let world: World;
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    db = new Client({ connectionString: t.db.url });
    await db.connect();
    routes = await listRoutes(t);
    // Deletes last, or the endpoint would be gone for the routes after them.
    routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    world = await buildWorld(t);
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
    for (const [index, route] of routes.entries()) {
      const attacks = fc.sample(attack, { seed: SEED + index, numRuns: PER_ROUTE });
      for (const hostile of attacks) {
        const { url, headers, body } = build(route, world, hostile);
        const req = t.http[route.method.toLowerCase() as 'get'](url);
        for (const [name, value] of Object.entries(headers)) void req.set(name, value);
        const res: Response = await (body === undefined ? req : req.send(body));
        total++;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        byKind[hostile.kind] ??= {};
        byKind[hostile.kind][res.status] = (byKind[hostile.kind][res.status] ?? 0) + 1;
        const what = `${routeName(route)} ${JSON.stringify(hostile).slice(0, 200)}`;
        const fault = problemFault(res);
        if (fault) faults.push(`${what}: ${fault}`);
        const after = await fingerprint();
        if (res.status >= 400) {
          const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
          if (changed.length > 0) {
            faults.push(`${what}: refused with ${res.status} but changed ${changed}`);
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
});
