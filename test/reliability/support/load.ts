import { randomUUID } from 'node:crypto';
import { bearer } from '../../support/service-process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  auth?: string;
  body?: unknown;
  /** Idempotency-Key: a retry of the same request sends the same key and body. */
  key?: string;
}

export interface Outcome {
  /** The service it was sent to. */
  base: string;
  call: Call;
  /** The HTTP status; 0 when no answer came (connection reset, client time-out). */
  status: number;
  /** The problem's `code` of an error answer. */
  code?: string;
  body?: any;
  /** Answered from the Idempotency-Key's record (`Idempotent-Replayed: true`). */
  replayed?: boolean;
  startedAt: number;
  ms: number;
  error?: string;
}

/** Sends one request to the service and records how it went; it never throws. */
export async function send(base: string, call: Call, timeoutMs = 30_000): Promise<Outcome> {
  const startedAt = Date.now();
  const headers: Record<string, string> = {};
  if (call.auth) headers.authorization = call.auth;
  if (call.key) headers['idempotency-key'] = call.key;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(`${base}${call.path}`, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return {
      base,
      call,
      status: res.status,
      code: res.status >= 400 ? body?.code : undefined,
      body,
      replayed: res.headers.get('idempotent-replayed') === 'true',
      startedAt,
      ms: Date.now() - startedAt,
    };
  } catch (error) {
    return { base, call, status: 0, startedAt, ms: Date.now() - startedAt, error: String(error) };
  }
}

/** Counts of outcomes by "status" or "status CODE". */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const label = o.code ? `${o.status} ${o.code}` : String(o.status);
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/**
 * Starts `op` at a steady `rate` per second until `done()` says stop, then waits for the
 * requests still running. At most `maxInFlight` run at once: a stalled service slows the load
 * rather than piling up thousands of sockets.
 */
export async function steady(
  rate: number,
  done: () => boolean,
  op: () => Promise<unknown>,
  maxInFlight = 64,
): Promise<void> {
  const running = new Set<Promise<unknown>>();
  const interval = 1000 / rate;
  let next = Date.now();
  while (!done()) {
    if (running.size < maxInFlight) {
      const p = op().finally(() => running.delete(p));
      running.add(p);
    }
    next += interval;
    await sleep(Math.max(0, next - Date.now()));
  }
  await Promise.all(running);
}

export interface Principals {
  system: string;
  merchant: string;
  agent: string;
  customers: { id: string; auth: string }[];
}

export async function principals(customers = 4): Promise<Principals> {
  return {
    system: await bearer('system', 'ledger'),
    merchant: await bearer('merchant', 'mer-1'),
    agent: await bearer('agent', 'agt-1'),
    customers: await Promise.all(
      Array.from({ length: customers }, async (_, i) => ({
        id: `cus-${i + 1}`,
        auth: await bearer('customer', `cus-${i + 1}`),
      })),
    ),
  };
}

/** The path a journey walks: pay, apply, then these actions in order. */
const STEPS = ['pay', 'apply', 'submit', 'start-review', 'approve', 'payout'] as const;
type Step = (typeof STEPS)[number];

/**
 * One refund's life driven step by step: pay → apply → submit → start-review → approve →
 * payout. Every POST carries an Idempotency-Key; a step without a 2xx answer is retried with
 * the same key and body, so a journey never does a step twice.
 */
export class Journey {
  readonly transactionId = `TX-${randomUUID()}`;
  refundId?: string;
  /** The highest version a 2xx answer acknowledged. */
  ackedVersion = 0;
  private step = 0;
  private pending?: Call;
  busy = false;

  constructor(
    private readonly who: Principals,
    private readonly customer: { id: string; auth: string },
  ) {}

  /** A request of this journey was sent and has no 2xx answer yet. */
  get waiting(): boolean {
    return this.pending !== undefined;
  }

  get done(): boolean {
    return this.step >= STEPS.length;
  }

  get current(): Step {
    return STEPS[this.step];
  }

  /** The next request: the unanswered one again, or the next step's. */
  nextCall(): Call {
    this.pending ??= this.callFor(this.current);
    return this.pending;
  }

  /** Moves on after a 2xx; anything else leaves the step to be retried. */
  record(outcome: Outcome): void {
    if (outcome.call !== this.pending || outcome.status < 200 || outcome.status >= 300) return;
    if (this.current === 'apply') this.refundId = outcome.body.id;
    if (this.current !== 'pay') this.ackedVersion = outcome.body.version;
    this.pending = undefined;
    this.step++;
  }

  private callFor(step: Step): Call {
    const key = randomUUID();
    if (step === 'pay') {
      return {
        method: 'POST',
        path: '/v1/transactions',
        auth: this.who.system,
        key,
        body: {
          id: this.transactionId,
          customerId: this.customer.id,
          merchantId: 'mer-1',
          amount: 1_000_000,
          currency: 'IDR',
          paidAt: '2026-11-20T03:00:00.000Z',
        },
      };
    }
    if (step === 'apply') {
      return {
        method: 'POST',
        path: '/v1/refunds',
        auth: this.customer.auth,
        key,
        body: { transactionId: this.transactionId, amount: 400_000, reasonCode: 'NOT_RECEIVED' },
      };
    }
    const auth =
      step === 'submit'
        ? this.customer.auth
        : step === 'payout'
          ? this.who.system
          : this.who.merchant;
    const body = step === 'payout' ? { result: 'SUCCEEDED', reference: `PO-${key}` } : {};
    return { method: 'POST', path: `/v1/refunds/${this.refundId}/${step}`, auth, key, body };
  }
}

/**
 * A mixed load: refund journeys advanced one step at a time, and reads (a refund, its
 * timeline, lists, the case queue, events). Each `next()` is one request.
 */
export class MixedLoad {
  readonly journeys: Journey[] = [];
  readonly outcomes: Outcome[] = [];
  private n = 0;

  constructor(
    private readonly bases: string[],
    private readonly who: Principals,
    private readonly openJourneys = 8,
  ) {}

  async next(): Promise<Outcome> {
    const base = this.bases[this.n % this.bases.length];
    this.n++;
    const call = this.n % 3 === 0 ? this.read() : undefined;
    if (call) return this.record(await send(base, call));
    const journey = this.pickJourney();
    if (!journey) return this.record(await send(base, this.read() ?? this.list()));
    journey.busy = true;
    try {
      const outcome = await send(base, journey.nextCall());
      journey.record(outcome);
      return this.record(outcome);
    } finally {
      journey.busy = false;
    }
  }

  /** Requests sent and not answered with a 2xx: the journeys' pending steps. */
  unfinished(): Journey[] {
    return this.journeys.filter((j) => !j.done);
  }

  private record(outcome: Outcome): Outcome {
    this.outcomes.push(outcome);
    return outcome;
  }

  private pickJourney(): Journey | undefined {
    const open = this.journeys.filter((j) => !j.done);
    if (open.length < this.openJourneys) {
      const customer = this.who.customers[this.journeys.length % this.who.customers.length];
      const journey = new Journey(this.who, customer);
      this.journeys.push(journey);
      return journey;
    }
    const idle = open.filter((j) => !j.busy);
    return idle[Math.floor(Math.random() * idle.length)];
  }

  private read(): Call | undefined {
    const known = this.journeys.filter((j) => j.refundId);
    const kind = this.n % 5;
    if (known.length === 0 || kind === 0) return this.list();
    const journey = known[Math.floor(Math.random() * known.length)];
    if (kind === 1)
      return { method: 'GET', path: `/v1/refunds/${journey.refundId}`, auth: this.who.merchant };
    if (kind === 2) {
      return {
        method: 'GET',
        path: `/v1/refunds/${journey.refundId}/events`,
        auth: this.who.agent,
      };
    }
    if (kind === 3) return { method: 'GET', path: '/v1/cases?limit=20', auth: this.who.agent };
    return { method: 'GET', path: '/v1/events?limit=20', auth: this.who.merchant };
  }

  private list(): Call {
    return { method: 'GET', path: '/v1/refunds?limit=20', auth: this.who.merchant };
  }
}
