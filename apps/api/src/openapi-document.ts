import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { documentProblems } from './errors/openapi-problems';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The OpenAPI document served at /docs-json. test/openapi.e2e-spec.ts lints it with Redocly's
 * recommended rules.
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
  }
  return documentProblems(document);
}

function operations(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((path) =>
    METHODS.flatMap((method) => path[method] ?? []),
  );
}
