import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { KyselyTransactionalAdapter } from '../database/database';
import { AppError } from '../errors/app-error';
import { toProblem } from '../errors/problem';
import { negotiateLanguage } from '../i18n/i18n';
import { IdempotencyRepository, KeyScope } from './idempotency.repository';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const WAIT_MS = 10_000;
/**
 * A key still running after this long was abandoned (its process was killed, or the database
 * was gone when it tried to release the key): a retry may run it. No request runs this long:
 * its queries are cut at 2.5 s each (database.ts).
 */
export const ABANDONED_AFTER_MS = 30_000;
const RELEASE_RETRY_MS = 1_000;
const POLL_MS = 50;
const KEY = /^[\x21-\x7e]{1,255}$/;
/** Expired keys deleted per statement by the purge (short statements: no long-held locks). */
export const PURGE_BATCH_SIZE = 500;

const toJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

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
 */
@Injectable()
export class IdempotencyService {
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
    const expiresAt = new Date(Date.now() + IDEMPOTENCY_TTL_MS);
    if (!(await this.keys.reserve(scope, requestFingerprint, expiresAt, ABANDONED_AFTER_MS))) {
      return this.replay(scope, requestFingerprint, reply);
    }
    let body: unknown;
    try {
      // The answer is recorded in the unit of work that makes the change (the service's own
      // transaction joins this one): a process killed between that commit and the end of the
      // request would otherwise leave the key "in progress" with the change made, and a retry
      // would run it again.
      body = await this.txHost.withTransaction(async () => {
        const answer = await handler();
        await this.keys.complete(scope, reply.statusCode, toJson(without(answer, notReplayed)));
        return answer;
      });
    } catch (error) {
      // Recorded in the language the problem filter answers this request in: a replay answers
      // with the same texts and Content-Language, whatever language the retry asks for.
      const language = negotiateLanguage(request.headers);
      const problem = toProblem(error, String(request.id), language);
      // A server-side failure may not happen again: let a retry run afresh.
      if (problem.code === 'DATABASE_UNAVAILABLE') this.releaseWhenBack(scope);
      else if (problem.status >= 500) await this.keys.release(scope);
      else await this.keys.complete(scope, problem.status, toJson(problem), language);
      throw error;
    }
    return body;
  }

  /**
   * With the database gone, waiting for the release would add its time-out to the 503: it is
   * retried in the background until the database is back. Should that fail too (the process
   * dies), the claim is abandoned and a retry takes it over after ABANDONED_AFTER_MS.
   */
  private releaseWhenBack(scope: KeyScope): void {
    const giveUpAt = Date.now() + ABANDONED_AFTER_MS;
    const attempt = (): void => {
      this.keys.release(scope).catch(() => {
        if (Date.now() < giveUpAt) setTimeout(attempt, RELEASE_RETRY_MS).unref();
      });
    };
    attempt();
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

  /** Waits for the first request with this key to finish, then answers what it answered. */
  private async replay(scope: KeyScope, requestFingerprint: string, reply: FastifyReply) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const record = await this.keys.find(scope);
      if (!record) {
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
      if (record.responseStatus !== null) {
        void reply.status(record.responseStatus).header('Idempotent-Replayed', 'true');
        if (record.responseStatus >= 400) void reply.type('application/problem+json');
        if (record.responseLanguage) void reply.header('Content-Language', record.responseLanguage);
        return record.responseBody;
      }
      if (Date.now() > deadline) {
        throw new AppError(
          'IDEMPOTENCY_KEY_IN_PROGRESS',
          'A request with this Idempotency-Key is still running; retry shortly.',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
