import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { JobsRepository } from './jobs.repository';

export interface PeriodicJob {
  name: string;
  intervalSeconds: number;
  /** Must be safe to run concurrently with itself on another instance (claim rows, not read-then-write). */
  run(): Promise<unknown>;
}

const TICK_MS = 1_000;

/**
 * Runs registered periodic jobs. The timer only asks "is a run due?"; the database answers
 * (JobsRepository.claimDueRun), so several instances share one schedule and a restart loses
 * nothing: work is found again from the rows' own deadlines.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly jobs: PeriodicJob[] = [];
  private timer?: NodeJS.Timeout;
  /** The runs in progress, by job: each job runs apart, so a slow one holds no other back. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly repository: JobsRepository,
    private readonly logger: AppLogger,
  ) {}

  register(job: PeriodicJob): void {
    this.jobs.push(job);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      for (const job of this.jobs) {
        if (this.running.has(job.name)) continue;
        this.running.set(
          job.name,
          this.runIfDue(job).finally(() => this.running.delete(job.name)),
        );
      }
    }, TICK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.running.values());
  }

  /** Runs a job now, whatever its schedule (tests and operators). */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.find((candidate) => candidate.name === name);
    if (!job) throw new Error(`no job named ${name}`);
    await job.run();
    await this.repository.recordSuccess(job.name);
  }

  private async runIfDue(job: PeriodicJob): Promise<void> {
    try {
      if (await this.repository.claimDueRun(job.name, job.intervalSeconds)) {
        await job.run();
        await this.repository.recordSuccess(job.name);
      }
    } catch (error) {
      this.logger.error({ err: error, job: job.name }, 'scheduled job failed');
    }
  }
}
