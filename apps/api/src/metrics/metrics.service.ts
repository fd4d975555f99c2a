import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { CasePriority, RefundStatus } from '../generated/kysely/enums';
import { AppMetrics } from './app-metrics';
import { BusinessFigures, MetricsRepository } from './metrics.repository';

/** How long the business gauges' figures are reused: scrapes never cost more than this allows. */
export const BUSINESS_FIGURES_TTL_MS = 5_000;

/**
 * GET /metrics: the process's registry, with the business gauges read from the database at most
 * once per BUSINESS_FIGURES_TTL_MS (scrapes in between, from any number of scrapers, share it).
 */
@Injectable()
export class MetricsService {
  private cached?: { at: number; figures: Promise<BusinessFigures> };
  private readonly refunds: Gauge<'status'>;
  private readonly openCases: Gauge<'priority'>;
  private readonly breachedCases: Gauge;
  private readonly pendingDeliveries: Gauge;
  private readonly oldestPending: Gauge;
  private readonly jobSuccess: Gauge<'job'>;

  constructor(
    private readonly metrics: AppMetrics,
    private readonly repository: MetricsRepository,
  ) {
    const registers = [metrics.registry];
    this.refunds = new Gauge({
      name: 'refund_desk_refunds',
      help: 'Refunds, by status',
      labelNames: ['status'],
      registers,
    });
    this.openCases = new Gauge({
      name: 'refund_desk_cases_open',
      help: 'Open support cases (NEW, OPEN, PENDING_CUSTOMER, ON_HOLD), by priority',
      labelNames: ['priority'],
      registers,
    });
    this.breachedCases = new Gauge({
      name: 'refund_desk_cases_breached',
      help: 'Open support cases past a first-response or resolution target',
      registers,
    });
    this.pendingDeliveries = new Gauge({
      name: 'refund_desk_webhook_deliveries_pending',
      help: 'Webhook deliveries not yet delivered nor failed for good',
      registers,
    });
    this.oldestPending = new Gauge({
      name: 'refund_desk_webhook_oldest_pending_seconds',
      help: 'Age of the oldest pending webhook delivery (0 without one)',
      registers,
    });
    this.jobSuccess = new Gauge({
      name: 'refund_desk_job_last_success_timestamp_seconds',
      help: 'When each periodic job last finished a run without an error (Unix time)',
      labelNames: ['job'],
      registers,
    });
  }

  get contentType(): string {
    return this.metrics.registry.contentType;
  }

  /** The Prometheus text of this instance. */
  async scrape(): Promise<string> {
    this.show(await this.figures());
    return this.metrics.registry.metrics();
  }

  private figures(): Promise<BusinessFigures> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= BUSINESS_FIGURES_TTL_MS) {
      const figures = this.repository.figures();
      const cached = { at: now, figures };
      this.cached = cached;
      // A failed read is not kept: the next scrape tries again.
      figures.catch(() => {
        if (this.cached === cached) this.cached = undefined;
      });
    }
    return this.cached.figures;
  }

  private show(figures: BusinessFigures): void {
    // Every status and priority is shown, with 0 when none has it, so series never vanish.
    for (const status of Object.values(RefundStatus)) this.refunds.set({ status }, 0);
    for (const { status, count } of figures.refundsByStatus) this.refunds.set({ status }, count);
    for (const priority of Object.values(CasePriority)) this.openCases.set({ priority }, 0);
    for (const { priority, count } of figures.openCasesByPriority) {
      this.openCases.set({ priority }, count);
    }
    this.breachedCases.set(figures.breachedCases);
    this.pendingDeliveries.set(figures.pendingDeliveries);
    this.oldestPending.set(figures.oldestPendingSeconds);
    this.jobSuccess.reset();
    for (const { name, at } of figures.jobSuccesses) {
      this.jobSuccess.set({ job: name }, at.getTime() / 1000);
    }
  }
}
