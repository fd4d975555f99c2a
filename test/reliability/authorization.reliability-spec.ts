import { generateKeyPair, SignJWT } from 'jose';
import type { Role } from '../../apps/api/src/common/principal';
import { startTestApp, TestApp, TEST_SECRET } from '../support/app';
import { send } from './support/requests';
import {
  allowedRoles,
  listRoutes,
  namesObjects,
  problemFault,
  Route,
  routeName,
  ROLES,
  validBody,
} from './support/routes';
import { buildWorld, fillPath, Side } from './support/world';

/** Resources whose ids customers and merchants see only when they are theirs. */
const SCOPED = new Set([
  'refunds',
  'transactions',
  'cases',
  'webhook-endpoints',
  'security-reports',
]);

interface Answer {
  route: string;
  caller: string;
  status: number;
  fault?: string;
}

/** The statuses docs/api.md allows a caller and side on a route, as a predicate and in words. */
function expectation(route: Route, role: Role | undefined, side: Side) {
  const allowed = allowedRoles(route);
  const hasParams = namesObjects(route);
  if (allowed === 'public') {
    return { ok: (s: number) => s === 200, says: '200 (public)' };
  }
  if (role === undefined) return { ok: (s: number) => s === 401, says: '401' };
  if (!allowed.includes(role)) return { ok: (s: number) => s === 403, says: '403' };
  const scoped =
    SCOPED.has(route.path.split('/')[2]) && (role === 'customer' || role === 'merchant');
  if (hasParams && side === 'foreign' && scoped) {
    return { ok: (s: number) => s === 404, says: '404 (not theirs)' };
  }
  // Allowed and visible: the state or the body may still refuse it, but never for who calls.
  return { ok: (s: number) => ![401, 403, 404].includes(s), says: 'not 401/403/404' };
}

/** Deletes go last: they would take the endpoint away from the routes after them. */
const deletesLast = (a: Route, b: Route) =>
  Number(a.method === 'DELETE') - Number(b.method === 'DELETE');

describe('authorization matrix: every route × role × own/foreign, and bad tokens', () => {
  let t: TestApp;
  let routes: Route[];
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    routes = (await listRoutes(t)).sort(deletesLast);
  });
  afterAll(() => t.close());

  it('takes a non-trivial route list from the OpenAPI document, each route in the table', () => {
    const names = routes.map(routeName);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /v1/refunds/{id}/approve',
        'POST /v1/refunds/{id}/attachments',
        'GET /v1/cases/{id}/history',
        'POST /v1/webhook-endpoints/{id}/deliveries/{deliveryId}/retry',
      ]),
    );
    expect(routes.length).toBeGreaterThanOrEqual(45);
    for (const route of routes) expect(() => allowedRoles(route)).not.toThrow();
  });

  it('answers each caller as docs/api.md says: 401, 403 for the role, 404 for foreign data', async () => {
    const wrong: Answer[] = [];
    const undocumented = new Set<string>();
    let requests = 0;
    for (const role of [undefined, ...ROLES]) {
      // A fresh world per caller: their own successful actions must not change the next caller's.
      const world = await buildWorld(t);
      for (const route of routes) {
        for (const side of ['own', 'foreign'] as const) {
          if (side === 'foreign' && !namesObjects(route)) continue;
          const headers: Record<string, string> = role ? { Authorization: world.tokens[role] } : {};
          const res = await send(t, route, fillPath(route.path, world[side]), {
            headers,
            body: validBody(route, world[side]),
          });
          requests++;
          const expected = expectation(route, role, side);
          const caller = `${role ?? 'no token'} (${side})`;
          const fault = problemFault(res);
          if (!expected.ok(res.status) || fault) {
            wrong.push({
              route: routeName(route),
              caller,
              status: res.status,
              fault: fault ?? `expected ${expected.says}: ${JSON.stringify(res.body)}`,
            });
          }
          if (!route.documented.includes(String(res.status))) {
            undocumented.add(`${routeName(route)} answers ${res.status}, undocumented`);
          }
        }
      }
    }
    console.log(`authorization matrix: ${requests} requests over ${routes.length} routes`);
    expect(wrong).toEqual([]);
    expect([...undocumented]).toEqual([]);
  });

  it('answers 404 (or 400 for a malformed one) to ids that do not exist, for every allowed role', async () => {
    const world = await buildWorld(t);
    const missing = {
      refund: '00000000-0000-4000-8000-000000000000',
      transaction: 'TX-does-not-exist',
      attachment: '00000000-0000-4000-8000-000000000001',
      case: '00000000-0000-4000-8000-000000000002',
      notice: '00000000-0000-4000-8000-000000000003',
      endpoint: '00000000-0000-4000-8000-000000000004',
      delivery: '00000000-0000-4000-8000-000000000005',
      securityReport: '00000000-0000-4000-8000-000000000006',
    };
    const malformed = Object.fromEntries(
      Object.keys(missing).map((key) => [key, 'not-a-uuid']),
    ) as typeof missing;
    const wrong: Answer[] = [];
    for (const route of routes.filter((r) => r.path.includes('{'))) {
      const allowed = allowedRoles(route);
      for (const role of allowed === 'public' ? ROLES : allowed) {
        for (const [ids, statuses] of [
          [missing, [404]],
          [malformed, [400, 404]],
        ] as const) {
          const res = await send(t, route, fillPath(route.path, ids), {
            headers: { Authorization: world.tokens[role] },
            body: validBody(route),
          });
          const fault = problemFault(res);
          if (!(statuses as readonly number[]).includes(res.status) || fault) {
            wrong.push({
              route: routeName(route),
              caller: `${role} ${ids.refund}`,
              status: res.status,
              fault: fault ?? JSON.stringify(res.body),
            });
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every bad token with 401 on every authenticated route', async () => {
    const key = new TextEncoder().encode(TEST_SECRET);
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (claims: Record<string, unknown>, alg = 'HS256', secret: any = key) =>
      new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(secret);
    const good = { sub: 'agt-1', role: 'agent', exp: now + 3600 };
    const rsa = await generateKeyPair('RS256');
    const otherSecret = new TextEncoder().encode('another-secret-another-secret-000000');
    const valid = await sign(good);
    const [header, payload] = valid.split('.');
    const bad: Record<string, string> = {
      'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${encode(good)}.`,
      'HS512 with the right secret': await sign(good, 'HS512'),
      'HS384 with the right secret': await sign(good, 'HS384'),
      RS256: await sign(good, 'RS256', rsa.privateKey),
      'wrong secret': await sign(good, 'HS256', otherSecret),
      'signature of another token': `${header}.${payload}.${(await sign({ ...good, sub: 'x' })).split('.')[2]}`,
      'payload swapped to system': `${header}.${encode({ ...good, role: 'system' })}.${valid.split('.')[2]}`,
      expired: await sign({ ...good, exp: now - 60 }),
      'no exp': await sign({ sub: 'agt-1', role: 'agent' }),
      'no role': await sign({ sub: 'agt-1', exp: now + 3600 }),
      'unknown role': await sign({ ...good, role: 'admin' }),
      'role not a string': await sign({ ...good, role: ['agent'] }),
      'no sub': await sign({ role: 'agent', exp: now + 3600 }),
      'empty sub': await sign({ ...good, sub: '' }),
      'sub an object': await sign({ ...good, sub: {} }),
      'sub a number': await sign({ ...good, sub: 12 }),
      'valid until year 9999': await sign({ ...good, exp: Date.UTC(9999, 0, 1) / 1000 }),
      'not yet valid': await sign({ ...good, nbf: now + 3600 }),
      garbage: 'not-a-jwt',
      empty: '',
    };
    const world = await buildWorld(t);
    const wrong: Answer[] = [];
    let requests = 0;
    for (const route of routes.filter((r) => r.authenticated && r.method !== 'DELETE')) {
      for (const [name, token] of Object.entries(bad)) {
        for (const scheme of ['Bearer', 'bearer']) {
          if (scheme === 'bearer' && name !== 'alg none') continue;
          const res = await send(t, route, fillPath(route.path, world.own), {
            headers: { Authorization: `${scheme} ${token}` },
            body: validBody(route),
          });
          requests++;
          if (res.status !== 401 || res.body.code !== 'UNAUTHENTICATED' || problemFault(res)) {
            wrong.push({ route: routeName(route), caller: name, status: res.status });
          }
        }
      }
    }
    console.log(`bad tokens: ${requests} requests`);
    expect(wrong).toEqual([]);
  });
});
