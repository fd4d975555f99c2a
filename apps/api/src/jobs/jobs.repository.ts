import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

@Injectable()
export class JobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims the job's next run if it is due: one conditional UPDATE, so among several instances
   * exactly one wins each interval, and the schedule survives restarts.
   */
  async claimDueRun(name: string, intervalSeconds: number): Promise<boolean> {
    await this.prisma.$executeRaw`
      INSERT INTO scheduled_jobs (name, next_run_at) VALUES (${name}, now())
      ON CONFLICT (name) DO NOTHING`;
    const claimed = await this.prisma.$executeRaw`
      UPDATE scheduled_jobs
         SET next_run_at = now() + make_interval(secs => ${intervalSeconds}), last_run_at = now()
       WHERE name = ${name} AND next_run_at <= now()`;
    return claimed === 1;
  }
}
