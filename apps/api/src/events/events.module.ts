import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';

/** The outbox (EventsRepository.record, used by refunds and cases) and `GET /v1/events`. */
@Module({
  controllers: [EventsController],
  providers: [EventsRepository, EventsService],
  exports: [EventsRepository],
})
export class EventsModule {}
