import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Registry } from 'prom-client';
import { Public } from '../auth/auth.decorators';
import { MetricsGuard } from './metrics.guard';
import { MetricsService } from './metrics.service';

@ApiTags('metrics')
@ApiBearerAuth()
@Public()
@SkipThrottle()
@UseGuards(MetricsGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({
    summary: "This instance's metrics, in Prometheus' text format",
    description:
      'For a `system` token, or the static `METRICS_TOKEN` when it is set. HTTP request ' +
      'counts and durations by route pattern, business gauges (refreshed at most every 5 ' +
      "seconds), jobs' last successes and Node's process metrics: see docs/operations.md.",
  })
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: only system may do this' })
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
