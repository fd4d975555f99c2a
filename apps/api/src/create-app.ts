import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import multipart from '@fastify/multipart';
import { DynamicModule, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { AppError, FieldError } from './errors/app-error';
import { registerJsonBodyParser } from './common/json-body';
import { addSecurityHeaders } from './common/security-headers';
import { consolePlugin } from './console/console.plugin';
import { portalPlugin } from './portal/portal.plugin';
import { clientErrorResponse } from './errors/problem';
import { sendProblem } from './errors/problem.filter';
import { logRequest, PinoLoggerService } from './logging/logger';
import { AppMetrics } from './metrics/app-metrics';
import { createOpenApiDocument } from './openapi-document';
import { FILE_SIZE_LIMIT } from './attachments/multipart-upload';

/**
 * The largest JSON body read. The largest valid one (a dispute: a 4,000-character statement and
 * 20 negotiation records) is about 330 KB even with every character escaped as \uXXXX; a 1 MiB
 * body of tiny objects cost about 0.8 s of CPU to parse, check and refuse, so a larger limit
 * only helps an attacker.
 */
export const JSON_BODY_LIMIT = 512 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      message,
      rule,
    }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) =>
    new AppError('VALIDATION_FAILED', 'The request is invalid.', fieldErrors(errors)),
});

/**
 * Builds the HTTP application (used by main.ts and by the tests). `consoleDir` and `portalDir`
 * are the console's and the portal's build folders (default: dist/console and dist/portal of
 * this checkout); tests point them at a fixture build.
 */
export async function createApp(
  config: AppConfig,
  logger: Logger,
  features: DynamicModule['imports'] = [],
  options: { consoleDir?: string; portalDir?: string } = {},
): Promise<NestFastifyApplication> {
  const metrics = new AppMetrics();
  // What every answered request costs beyond its own work: one log line and two metric updates,
  // in Fastify's onResponse hook rather than a Nest interceptor on every route.
  const answered = (request: FastifyRequest, reply: FastifyReply) => {
    logRequest(request, reply);
    metrics.observeRequest(request, reply);
  };
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: JSON_BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy,
    // One line per request, when it is answered (`answered`), instead of two.
    disableRequestLogging: true,
    // Errors of Fastify's router (a malformed URL) answer problem+json too. No route means no
    // onResponse hook: the request's log line and metrics are written here.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      sendProblem(error, request, reply);
      answered(request, reply);
    },
    // And so do requests Node's HTTP parser refuses (a URL or headers over its size limit).
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(error, randomUUID()));
      socket.destroy(error);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logger, features, metrics),
    adapter,
    { logger: new PinoLoggerService(logger), abortOnError: false, bodyParser: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    answered(request, reply);
    done();
  });
  registerJsonBodyParser(fastify);

  addSecurityHeaders(fastify, {
    // The Swagger UI needs inline styles and scripts; the API itself serves only JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'", "'unsafe-inline'"],
      },
    },
  });
  await app.register(multipart, {
    limits: { fileSize: FILE_SIZE_LIMIT, files: 1, fields: 5, fieldSize: 1024 },
  });
  app.useGlobalPipes(validationPipe);
  // The agent console (apps/console), outside the OpenAPI document: it is not part of the API.
  await app.register(consolePlugin, { dir: options.consoleDir });
  // The customer's page (apps/portal), likewise outside the document: it calls the public API.
  await app.register(portalPlugin, { dir: options.portalDir });

  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
