import {
  ArgumentsHost,
  CanActivate,
  Catch,
  createParamDecorator,
  ExceptionFilter,
  ExecutionContext,
  Injectable,
  PipeTransform,
  SetMetadata,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../errors/problem.filter';
import { fingerprint, IdempotencyService } from './idempotency.service';

const NOT_REPLAYED = 'idempotency:not-replayed';

/**
 * These fields of the answer are shown once: a replay answers without them (a webhook
 * endpoint's signing secret), and they are never stored with the key.
 */
export const NotReplayed = (...fields: string[]): MethodDecorator =>
  SetMetadata(NOT_REPLAYED, fields);

/** The `Idempotency-Key` header in the OpenAPI document (uploads key themselves: this alone). */
export const IdempotencyKeyHeader = (): MethodDecorator =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retries with the same key replay the first answer (kept 24 hours)',
  });

/**
 * A keyed route's JSON POSTs past its guards, with the fingerprint of their body as it came,
 * before any pipe could change it in place. Until their keyed run starts, what their pipes refuse
 * is answered under the key (below). Other requests (multipart uploads key themselves) have none.
 */
const pastGuards = new WeakMap<FastifyRequest, string>();

/**
 * A keyed route's last guard: it lets every request through, and takes a JSON POST's fingerprint
 * where the interceptor this replaced took it, before the pipes. (A guard added to the route
 * after `@Idempotent()` would run after this one, and what it refuses would be recorded.)
 */
class PastGuards implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method === 'POST' && !request.isMultipart()) {
      pastGuards.set(request, fingerprint(request.body));
    }
    return true;
  }
}

/**
 * A keyed route's errors. One that a pipe raised (the request passed the guards, and its keyed
 * run has not started) is answered under the key, as the run answers a refusal of its own: the
 * first such answer is recorded; a retry with the same body replays it, one with another body
 * is 409. (What the guards refuse, the rate limit, authentication, roles and the body guard's
 * refusals, is never recorded.) Every other error is answered as `ProblemFilter` answers it.
 */
@Catch()
@Injectable()
export class KeyedRefusalFilter implements ExceptionFilter {
  constructor(private readonly idempotency: IdempotencyService) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const requestFingerprint = pastGuards.get(request);
    pastGuards.delete(request);
    if (requestFingerprint === undefined) {
      sendProblem(error, request, reply);
      return;
    }
    this.idempotency
      .run(request, reply, requestFingerprint, () => {
        throw error;
      })
      .then(
        (replayed) => reply.send(replayed),
        (refusal: unknown) => sendProblem(refusal, request, reply),
      );
  }
}

/** A request's call of its handler, as `Idempotency-Key` runs it. */
interface KeyedCall {
  request: FastifyRequest;
  reply: FastifyReply;
  idempotency: IdempotencyService;
}

/** Hands the handler's wrapper (below) the idempotency service, from the route's module. */
@Injectable()
export class KeyedCallPipe implements PipeTransform {
  constructor(private readonly idempotency: IdempotencyService) {}

  transform(call: Omit<KeyedCall, 'idempotency'>): KeyedCall {
    return { ...call, idempotency: this.idempotency };
  }
}

/** The request and reply, as one more argument of a keyed route's handler. */
const CallOf = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Omit<KeyedCall, 'idempotency'> => ({
    request: context.switchToHttp().getRequest<FastifyRequest>(),
    reply: context.switchToHttp().getResponse<FastifyReply>(),
  }),
);

/**
 * A JSON POST that takes `Idempotency-Key` (`IdempotencyService.run`), and the header in the
 * OpenAPI document. Multipart uploads are keyed by their handler, once the file is read: only
 * then is there something to fingerprint.
 *
 * Not a Nest interceptor: Nest's interceptor chain (rxjs observables, and Node 20's
 * `AsyncResource.bind` with its deprecation wrappers, twice a request) cost an apply a sixth of
 * the service's CPU. The handler itself is wrapped instead: the route gets one more argument,
 * after its own (the request, the reply and the service, `CallOf` through `KeyedCallPipe`), and
 * the wrapper calls the handler with its own arguments inside `run`. The route's metadata (path,
 * roles, the OpenAPI document's) moves to the wrapper with it. Nest runs the pipes before the
 * handler, so the route also gets a last guard (`PastGuards`) and a filter
 * (`KeyedRefusalFilter`): what the pipes refuse is answered under the key, as it was inside an
 * interceptor.
 */
export const Idempotent = (): MethodDecorator => (target, key, descriptor) => {
  const handler = descriptor.value as unknown as (...args: unknown[]) => unknown;
  const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) ??
    {}) as Record<string, { index: number }>;
  const at = Math.max(0, ...Object.values(declared).map(({ index }) => index + 1));
  CallOf(KeyedCallPipe)(target, key, at);
  const wrapper = function (this: unknown, ...args: unknown[]) {
    const { request, reply, idempotency } = args[at] as KeyedCall;
    const requestFingerprint = pastGuards.get(request);
    pastGuards.delete(request);
    const call = () => Promise.resolve(handler.apply(this, args.slice(0, at)));
    if (requestFingerprint === undefined) return call();
    const notReplayed = Reflect.getMetadata(NOT_REPLAYED, wrapper) as string[] | undefined;
    return idempotency.run(request, reply, requestFingerprint, call, notReplayed);
  };
  for (const metadataKey of Reflect.getMetadataKeys(handler)) {
    Reflect.defineMetadata(metadataKey, Reflect.getMetadata(metadataKey, handler), wrapper);
  }
  Object.defineProperty(wrapper, 'name', { value: handler.name });
  descriptor.value = wrapper as unknown as typeof descriptor.value;
  UseGuards(PastGuards)(target, key, descriptor);
  UseFilters(KeyedRefusalFilter)(target, key, descriptor);
  IdempotencyKeyHeader()(target, key, descriptor);
};
