import type { Role } from '../../../apps/api/src/common/principal';
import { ERROR_CODES } from '../../../apps/api/src/errors/app-error';
import { RefundAction, TRANSITIONS } from '../../../apps/api/src/refunds/refund-transitions';
import type { TestApp } from '../../support/app';

export const ROLES: readonly Role[] = ['customer', 'merchant', 'agent', 'system'];
const EVERYONE = ROLES;

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  /** OpenAPI form: `/v1/refunds/{id}/approve`. */
  path: string;
  /** Whether the operation needs a bearer token (it lists a security requirement). */
  authenticated: boolean;
  /** The request body's schema name (`RejectDto`), `multipart` for uploads, or none. */
  body?: string;
  /** The statuses the OpenAPI document lists for the operation. */
  documented: string[];
  /** Its query parameters. */
  query: string[];
}

export const routeName = (route: Pick<Route, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

/**
 * Every operation of the application's own OpenAPI document, so that a new route is covered
 * by the suite as soon as it exists.
 */
export async function listRoutes(t: TestApp): Promise<Route[]> {
  const res = await t.http.get('/docs-json');
  if (res.status !== 200) throw new Error(`/docs-json answered ${res.status}`);
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries<Record<string, any>>(res.body.paths)) {
    for (const [method, operation] of Object.entries<any>(operations)) {
      const content = operation.requestBody?.content ?? {};
      const ref: string | undefined = content['application/json']?.schema?.$ref;
      routes.push({
        method: method.toUpperCase() as Route['method'],
        path,
        authenticated: (operation.security ?? []).length > 0,
        body: content['multipart/form-data'] ? 'multipart' : ref?.split('/').pop(),
        documented: Object.keys(operation.responses),
        query: (operation.parameters ?? [])
          .filter((p: { in: string }) => p.in === 'query')
          .map((p: { name: string }) => p.name),
      });
    }
  }
  return routes;
}

/**
 * Who may call each route, as docs/api.md's routes table says (refund actions: the transition
 * table). `public` routes need no token. A route missing here fails the suite: a new route
 * must say who may use it.
 */
export function allowedRoles(route: Route): readonly Role[] | 'public' {
  const action = /^\/v1\/refunds\/\{id\}\/([a-z-]+)$/.exec(route.path)?.[1];
  if (route.method === 'POST' && action && action in TRANSITIONS && action !== 'attachments') {
    return TRANSITIONS[action as RefundAction].roles;
  }
  const allowed = WHO_MAY_CALL[routeName(route)];
  if (allowed === undefined)
    throw new Error(`${routeName(route)}: not in the table of who may call each route`);
  return allowed;
}

const WHO_MAY_CALL: Record<string, readonly Role[] | 'public'> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /v1/support/channels': 'public',
  'GET /v1/refund-reasons': 'public',
  'GET /v1/status': 'public',
  'GET /v1/notices/{id}': 'public',
  'GET /v1/me': EVERYONE,
  'POST /v1/notices': ['agent'],
  'POST /v1/notices/{id}/end': ['agent'],
  'POST /v1/refunds': TRANSITIONS.apply.roles,
  'GET /v1/refunds': EVERYONE,
  'GET /v1/refunds/{id}': EVERYONE,
  'PATCH /v1/refunds/{id}': ['customer'],
  'GET /v1/refunds/{id}/events': EVERYONE,
  'POST /v1/refunds/{id}/attachments': ['customer', 'merchant', 'agent'],
  'GET /v1/refunds/{id}/attachments': EVERYONE,
  'GET /v1/refunds/{id}/attachments/{attachmentId}': EVERYONE,
  'GET /v1/cases': ['customer', 'agent'],
  'GET /v1/cases/counts': ['agent'],
  'GET /v1/search': ['agent'],
  'GET /v1/customers/{id}': ['agent'],
  'POST /v1/cases/{id}/presence': ['agent'],
  'GET /v1/cases/{id}/macros/{macroId}': ['agent'],
  'GET /v1/macros': ['agent'],
  'POST /v1/macros': ['agent'],
  'PATCH /v1/macros/{id}': ['agent'],
  'DELETE /v1/macros/{id}': ['agent'],
  'GET /v1/cases/{id}': ['customer', 'agent'],
  'GET /v1/cases/{id}/messages': ['customer', 'agent'],
  'POST /v1/cases/{id}/messages': ['customer', 'agent'],
  'GET /v1/cases/{id}/history': ['customer', 'agent'],
  'POST /v1/cases/{id}/assign': ['agent'],
  'POST /v1/cases/{id}/pending': ['agent'],
  'POST /v1/cases/{id}/hold': ['agent'],
  'POST /v1/cases/{id}/solve': ['agent'],
  'POST /v1/cases/{id}/reopen': ['customer', 'agent'],
  'POST /v1/cases/{id}/close': ['agent'],
  'POST /v1/cases/{id}/rating': ['customer'],
  'POST /v1/transactions': ['system'],
  'GET /v1/transactions': EVERYONE,
  'GET /v1/transactions/{id}': EVERYONE,
  'GET /v1/events': EVERYONE,
  'POST /v1/webhook-endpoints': ['merchant', 'system'],
  'GET /v1/webhook-endpoints': ['merchant', 'system'],
  'GET /v1/webhook-endpoints/{id}': ['merchant', 'system'],
  'DELETE /v1/webhook-endpoints/{id}': ['merchant', 'system'],
  'GET /v1/webhook-endpoints/{id}/deliveries': ['merchant', 'system'],
  'POST /v1/webhook-endpoints/{id}/deliveries/{deliveryId}/retry': ['merchant', 'system'],
  'POST /v1/webhook-endpoints/{id}/rotate-secret': ['merchant', 'system'],
  'POST /v1/security-reports': ['customer', 'agent'],
  'GET /v1/security-reports': ['customer', 'agent', 'system'],
  'GET /v1/security-reports/{id}': ['customer', 'agent', 'system'],
  'POST /v1/security-reports/{id}/release': ['agent'],
  // Or the static METRICS_TOKEN, which these suites do not set.
  'GET /metrics': ['system'],
};

const hourFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

/**
 * A valid body for each request schema of the document: the matrix needs one, since a body
 * error (400) answers before a visibility one (404). A schema missing here fails the suite.
 */
export function validBody(
  route: Route,
  objects?: { transaction: string },
): Record<string, unknown> | undefined {
  if (route.body === undefined || route.body === 'multipart') return undefined;
  const samples: Record<string, () => Record<string, unknown>> = {
    EmptyDto: () => ({}),
    NoteDto: () => ({ note: 'Checked with the courier.' }),
    RejectDto: () => ({ reason: 'The parcel was signed for.' }),
    RequestInfoDto: () => ({ question: 'Could you send a photo?' }),
    ProvideInfoDto: () => ({ answer: 'Photo attached.' }),
    DisputeDto: () => ({
      statement: 'I never got it.',
      negotiationRecords: [{ at: '2026-11-20T10:00:00Z', channel: 'chat', summary: 'Refused.' }],
    }),
    ResolveDisputeDto: () => ({ outcome: 'CUSTOMER_FAVOUR', note: 'The courier lost it.' }),
    MerchantResponseDto: () => ({ statement: 'It was delivered.' }),
    OfferDto: () => ({ amount: 50, message: 'Half back?' }),
    PayoutDto: () => ({ result: 'SUCCEEDED', reference: 'PO-1' }),
    EscalateDto: () => ({ message: 'Nobody answers.' }),
    CreateRefundDto: () => ({
      transactionId: objects?.transaction ?? 'TX-none',
      amount: 100,
      reasonCode: 'NOT_RECEIVED',
    }),
    UpdateRefundDto: () => ({ amount: 200 }),
    CaseMessageRequestDto: () => ({ body: 'Any news?' }),
    AssignCaseDto: () => ({ agentId: 'agt-1' }),
    RateCaseDto: () => ({ score: 4 }),
    CreateMacroDto: () => ({
      title: 'Approved',
      body: 'Your refund of {{refund.amount}} is approved.',
    }),
    UpdateMacroDto: () => ({ title: 'Approved (v2)' }),
    PublishNoticeDto: () => ({
      kind: 'MAINTENANCE',
      title: 'Chat maintenance',
      body: 'Chat is being upgraded.',
      startsAt: hourFromNow(1),
      endsAt: hourFromNow(2),
      affectedChannels: ['IN_APP_CHAT'],
    }),
    RegisterTransactionDto: () => ({
      id: `TX-${Math.random().toString(36).slice(2)}`,
      customerId: 'cus-9',
      merchantId: 'mer-9',
      amount: 1000,
      currency: 'IDR',
      paidAt: '2026-11-20T03:00:00.000Z',
    }),
    FileSecurityReportDto: () => ({ description: 'My phone was stolen.' }),
    ReleaseSecurityReportDto: () => ({ note: 'Identity confirmed; account secured.' }),
    CreateWebhookEndpointDto: () => ({
      url: 'http://127.0.0.1:9/hook',
      events: ['refund.submit'],
    }),
  };
  const sample = samples[route.body];
  if (!sample) throw new Error(`${routeName(route)}: no sample body for ${route.body}`);
  return sample();
}

/** Whether a request to the route names an object: in its path, or (apply) its body. */
export const namesObjects = (route: Route): boolean =>
  route.path.includes('{') || route.body === 'CreateRefundDto';

export const DOCUMENTED_CODES = new Set(Object.keys(ERROR_CODES));

/** What every error answer must be: problem+json with a documented code that fits the status. */
export function problemFault(res: {
  status: number;
  headers: Record<string, string>;
  body: any;
}): string | undefined {
  if (res.status >= 500) return `answered ${res.status} ${JSON.stringify(res.body)}`;
  if (res.status < 400) return undefined;
  if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) {
    return `${res.status} with content-type ${res.headers['content-type']}`;
  }
  if (!DOCUMENTED_CODES.has(res.body?.code)) return `undocumented code ${res.body?.code}`;
  const code = res.body.code as keyof typeof ERROR_CODES;
  if (res.body.status !== res.status || ERROR_CODES[code] !== res.status) {
    return `${res.status} with body.status ${res.body.status} and code ${code}`;
  }
  if (typeof res.body.requestId !== 'string') return 'no requestId';
  return undefined;
}
