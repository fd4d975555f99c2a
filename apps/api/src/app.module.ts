import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { PrincipalThrottlerGuard } from './auth/principal-throttler.guard';
import { BodyGuard } from './common/body.guard';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { ProblemFilter } from './errors/problem.filter';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { JobsModule } from './jobs/jobs.module';
import { AppMetrics } from './metrics/app-metrics';
import { MetricsModule } from './metrics/metrics.module';
import { OutboxModule } from './outbox/outbox.module';
import { rateLimitModule } from './rate-limit/rate-limit.module';
import { AppLogger } from './logging/app-logger';

@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    logger: AppLogger,
    features: DynamicModule['imports'] = [],
    metrics = new AppMetrics(),
  ) {
    return {
      module: AppModule,
      global: true,
      imports: [
        rateLimitModule(config),
        DatabaseModule,
        OutboxModule,
        // Domain events between features, delivered within the publisher's unit of work.
        EventEmitterModule.forRoot(),
        AuthModule,
        JobsModule,
        HealthModule,
        MetricsModule,
        IdempotencyModule,
        ...features,
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: AppLogger, useValue: logger },
        { provide: AppMetrics, useValue: metrics },
        // Guards run in this order: the rate limit first (it reads the token itself), so that
        // callers with bad tokens are limited too; then authentication.
        { provide: APP_GUARD, useClass: PrincipalThrottlerGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: BodyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [AppConfig, AppLogger, AppMetrics],
    } satisfies DynamicModule;
  }
}
