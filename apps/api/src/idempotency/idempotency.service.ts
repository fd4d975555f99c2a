import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { IdempotencyKey, KyselyTransactionalAdapter } from '../database/database';
import { AppError } from '../errors/app-error';
import { toProblem } from '../errors/problem';
import { negotiateLanguage } from '../i18n/i18n';
import { IdempotencyRepository, isKeyTaken, KeyScope } from './idempotency.repository';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const WAIT_MS = 10_000;
const KEY = /^[\x21-\x7e]{1,255}$/;
/** Expired keys deleted per statement by the purge (short statements: no long-held locks). */
export const PURGE_BATCH_SIZE = 500;

function without(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || !body || typeof body !== 'object') return body;
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(([key]) => !fields.includes(key)),
  );
}

/** JSON with sorted keys, so that the same body always has the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex');
}

/**
 * `Idempotency-Key` on any POST: the first request with a key runs; a retry with the same key
 * and request replays its status and body, one with another request is 409
 * IDEMPOTENCY_KEY_REUSED, and one arriving while the first still runs waits for it (up to 10 s).
 * Keys belong to one principal, method and path, and are kept in PostgreSQL for 24 hours.
 *
 * The key is written once, with its answer, at the end of the change's unit of work (in the
 * statement that also writes its outbox events: `atEnd`): a crash before the commit leaves
 * neither, one after it leaves both, so a retry never runs a request twice, and a first request
 * costs no statement of its own for its key. A request that finds the
 * key answered when it records its own (a retry, or a duplicate that ran at the same time on
 * another instance) is rolled back and answered with the recorded answer. Duplicates reaching
 * one instance together wait for the first instead of running beside it.
 */
@Injectable()
export class IdempotencyService {
  /** Keyed requests running in this process, so that a duplicate waits for its first. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly txHost: TransactionHost<KyselyTransactionalAdapter>,
  ) {}

  /** Deletes every expired key, a batch per statement; returns how many. */
  async purgeExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.keys.deleteExpiredBatch(PURGE_BATCH_SIZE);
      total += deleted;
      if (deleted < PURGE_BATCH_SIZE) return total;
    }
  }

  /** Runs `handler` once per key; `requestFingerprint` identifies what was asked. */
  async run(
    request: FastifyRequest,
    reply: FastifyReply,
    requestFingerprint: string,
    handler: () => Promise<unknown>,
    notReplayed: readonly string[] = [],
  ): Promise<unknown> {
    const scope = this.scopeOf(request);
    if (!scope) return handler();
    const id = JSON.stringify(scope);
    const first = this.running.get(id);
    if (first) {
      await this.waitFor(first);
      // Answered: replay it; nothing recorded (it failed on the server's side): run afresh.
      const answered = await this.keys.find(scope);
      if (answered) return this.replay(scope, requestFingerprint, reply, answered);
      return this.run(request, reply, requestFingerprint, handler, notReplayed);
    }
    const running = this.runFirst(scope, requestFingerprint, reply, handler, notReplayed);
    this.running.set(id, running);
    try {
      return await running;
    } finally {
      if (this.running.get(id) === running) this.running.delete(id);
    }
  }

  private async runFirst(
    scope: KeyScope,
    requestFingerprint: string,
    reply: FastifyReply,
    handler: () => Promise<unknown>,
    notReplayed: readonly string[],
  ): Promise<unknown> {
    const expiresAt = new Date(Date.now() + IDEMPOTENCY_TTL_MS);
    try {
      // The service's own unit of work joins this one: the change and its answer commit together.
      return await this.txHost.withTransaction(async () => {
        const answer = await handler();
        const stored = without(answer, notReplayed);
        await this.keys.recordAtEnd(
          scope,
          requestFingerprint,
          expiresAt,
          reply.statusCode,
          stored,
          // An answer whose texts followed Accept-Language is replayed in that language.
          (reply.getHeader('content-language') as string | undefined) ?? null,
        );
        return answer;
      });
    } catch (error) {
      // Another request recorded its answer under the key first: this one's change is undone.
      if (isKeyTaken(error)) return this.replay(scope, requestFingerprint, reply);
      // Recorded in the language the problem filter answers this request in: a replay answers
      // with the same texts and Content-Language, whatever language the retry asks for.
      const language = negotiateLanguage(reply.request.headers);
      const problem = toProblem(error, String(reply.request.id), language);
      // A server-side failure may not happen again: nothing is recorded, a retry runs afresh.
      if (problem.status >= 500) throw error;
      const recorded = await this.keys.record(
        scope,
        requestFingerprint,
        expiresAt,
        problem.status,
        problem,
        language,
      );
      if (!recorded) return this.replay(scope, requestFingerprint, reply);
      throw error;
    }
  }

  /** Waits for a running first request to settle, however it ends, for at most WAIT_MS. */
  private async waitFor(first: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), WAIT_MS);
    });
    const outcome = await Promise.race([
      first.then(
        () => 'settled',
        () => 'settled',
      ),
      timedOut,
    ]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      throw new AppError(
        'IDEMPOTENCY_KEY_IN_PROGRESS',
        'A request with this Idempotency-Key is still running; retry shortly.',
      );
    }
  }

  private scopeOf(request: FastifyRequest): KeyScope | undefined {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.principal) return undefined;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1–255 visible characters.', [
        { field: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' },
      ]);
    }
    return {
      principal: `${request.principal.role}:${request.principal.id}`,
      method: request.method,
      path: request.url.split('?')[0],
      key,
    };
  }

  /** Answers what the first request with this key answered (`known`: its record, if read). */
  private async replay(
    scope: KeyScope,
    requestFingerprint: string,
    reply: FastifyReply,
    known?: IdempotencyKey,
  ) {
    const record = known ?? (await this.keys.find(scope));
    if (!record || record.responseStatus === null) {
      // The first request failed on the server's side and recorded nothing.
      throw new AppError(
        'IDEMPOTENCY_KEY_IN_PROGRESS',
        'The first request with this key failed; retry.',
      );
    }
    if (record.fingerprint !== requestFingerprint) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request.',
      );
    }
    void reply.status(record.responseStatus).header('Idempotent-Replayed', 'true');
    if (record.responseStatus >= 400) void reply.type('application/problem+json');
    if (record.responseLanguage) void reply.header('Content-Language', record.responseLanguage);
    return record.responseBody;
  }
}
