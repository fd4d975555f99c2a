import type { FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The route label of requests no route matched (404s, malformed URLs): one value for them all. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds: from a fast read (a few ms) to the 2.5 s statement timeout and beyond. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * This process's Prometheus registry: Node's default process metrics and the HTTP metrics,
 * which the request's one log line records (create-app.ts, Fastify's onResponse), so that no
 * interceptor runs on every route. Business gauges are added by MetricsService.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts an answered request under its route's pattern (`/v1/refunds/:id`), never its URL. */
  observeRequest(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions?.url ?? UNMATCHED_ROUTE;
    const method = request.method;
    this.requests.inc({ method, route, status: reply.statusCode });
    this.duration.observe({ method, route }, reply.elapsedTime / 1000);
  }
}
