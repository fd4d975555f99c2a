import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { NoticesController } from './notices.controller';
import { NoticesRepository } from './notices.repository';
import { NoticesService } from './notices.service';
import { loadSupportChannels, SupportChannels } from './support-channels';
import { SupportController } from './support.controller';
import { SupportService } from './support.service';

/**
 * Support channels, maintenance and incident notices, and the service status. Exports
 * SupportService: `availableChannelIds()` for escalations.
 */
@Module({
  controllers: [SupportController, NoticesController],
  providers: [
    {
      // Read and validated once, at start-up: a bad SUPPORT_CHANNELS file stops the service.
      provide: SupportChannels,
      useFactory: (config: AppConfig) => loadSupportChannels(config.supportChannelsFile),
      inject: [AppConfig],
    },
    SupportService,
    NoticesService,
    NoticesRepository,
  ],
  exports: [SupportService],
})
export class SupportModule {}
