import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsGuard } from './metrics.guard';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';

/** GET /metrics; the registry itself (AppMetrics) is made by createApp, with the HTTP metrics. */
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsRepository, MetricsGuard],
})
export class MetricsModule {}
