import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { sql } from 'kysely';
import { Public } from '../auth/auth.decorators';
import { DATABASE, type Database } from '../database/database';
import { AppError } from '../errors/app-error';

const READY_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database answers' })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable' })
  async ready() {
    try {
      return await this.health.check([
        async () => {
          const indicator = this.indicators.check('database');
          try {
            await withTimeout(sql`SELECT 1`.execute(this.db), READY_TIMEOUT_MS);
            return indicator.up();
          } catch {
            return indicator.down({ message: 'unreachable' });
          }
        },
      ]);
    } catch {
      throw new AppError('DATABASE_UNAVAILABLE', 'The database is not answering.');
    }
  }
}
