import { Global, Module } from '@nestjs/common';
import { JobsRepository } from './jobs.repository';
import { SchedulerService } from './scheduler.service';

@Global()
@Module({ providers: [JobsRepository, SchedulerService], exports: [SchedulerService] })
export class JobsModule {}
