import { Global, Module } from '@nestjs/common';
import { OutboxRepository } from './outbox.repository';

/** The outbox write, shared by every feature that publishes events for webhooks. */
@Global()
@Module({ providers: [OutboxRepository], exports: [OutboxRepository] })
export class OutboxModule {}
