import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  OperationObject,
  PathItemObject,
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { documentProblems } from './errors/openapi-problems';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The OpenAPI document served at /docs-json. test/openapi.e2e-spec.ts lints it with Redocly's
 * recommended rules and sends a refund's whole life through Prism's validating proxy.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Refund desk')
      .setDescription(
        'Refund requests for e-wallet payments: apply, submit evidence, review, dispute, ' +
          'payout, and escalation to support. Errors are application/problem+json (RFC 9457).',
      )
      .setVersion('1')
      .setLicense('MIT', 'https://opensource.org/license/mit')
      // Relative: the paths start at the root of wherever this document is served from.
      .addServer('/', 'This service')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  for (const operation of operations(document)) {
    // Routes that need a token carry @ApiBearerAuth; the rest are @Public() (the e2e spec checks
    // this against the AuthGuard, route by route).
    operation.security ??= [];
    optionalBodyWithoutRequiredFields(document, operation);
  }
  inFlowOrder(document);
  return documentProblems(document);
}

/** The tags as a reader meets them in the refund's flow, each described. */
const TAGS: { name: string; description: string }[] = [
  { name: 'payments', description: 'Payments from the ledger: what can be refunded' },
  { name: 'refunds', description: 'Refund requests and their state machine' },
  { name: 'attachments', description: 'Evidence: receipts, photos, negotiation records' },
  { name: 'cases', description: 'Support cases: the escalation path, worked by agents' },
  {
    name: 'security-reports',
    description: 'The stolen wallet: one report, its case and payout hold',
  },
  { name: 'workspace', description: "The agent's search and customer page" },
  { name: 'macros', description: "Agents' saved replies" },
  { name: 'support', description: 'Support channels and their hours' },
  { name: 'notices', description: 'Service notices: maintenance and outages' },
  { name: 'events', description: 'The outbox: what happened, newest first' },
  { name: 'webhooks', description: 'Webhook endpoints and their deliveries' },
  { name: 'me', description: 'Who the token names' },
  { name: 'health', description: 'Liveness and readiness' },
  { name: 'metrics', description: 'Prometheus metrics' },
];

/** Tags, and the paths under them, in the order of the flow (payments first). */
function inFlowOrder(document: OpenAPIObject): void {
  const rank = (tag: string | undefined) => {
    const index = TAGS.findIndex((t) => t.name === tag);
    return index < 0 ? TAGS.length : index;
  };
  const used = new Set(operations(document).flatMap((operation) => operation.tags ?? []));
  document.tags = [
    ...TAGS.filter((tag) => used.has(tag.name)),
    ...[...used].filter((name) => rank(name) === TAGS.length).map((name) => ({ name })),
  ];
  const firstTag = (path: PathItemObject) =>
    rank(METHODS.map((method) => path[method]?.tags?.[0]).find(Boolean));
  document.paths = Object.fromEntries(
    Object.entries(document.paths).sort(([, a], [, b]) => firstTag(a) - firstTag(b)),
  );
}

function operations(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((path) =>
    METHODS.flatMap((method) => path[method] ?? []),
  );
}

/**
 * The ValidationPipe reads an absent body as `{}`, so a body whose fields are all optional (the
 * actions without one, `submit` or `cancel`, or an `approve` without a note) may be left out.
 */
function optionalBodyWithoutRequiredFields(
  document: OpenAPIObject,
  operation: OperationObject,
): void {
  const body = operation.requestBody;
  if (!body || '$ref' in body) return;
  const schemas = Object.values(body.content).map(({ schema }) => resolve(document, schema));
  if (schemas.every((schema) => schema?.type === 'object' && !schema.required?.length)) {
    body.required = false;
  }
}

function resolve(
  document: OpenAPIObject,
  schema: SchemaObject | ReferenceObject | undefined,
): SchemaObject | undefined {
  if (!schema || !('$ref' in schema)) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(document, document.components?.schemas?.[name]);
}
