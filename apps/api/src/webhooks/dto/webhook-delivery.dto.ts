import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination';
import { WebhookDeliveryStatus } from '../../generated/kysely/enums';
import type { DeliveryWithAttempts } from '../webhooks.repository';

export class WebhookAttemptDto {
  @ApiProperty() number!: number;
  @ApiProperty() startedAt!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ type: Number, nullable: true, description: "The receiver's HTTP status" })
  statusCode!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why no answer came (timeout, refused, …)',
  })
  error!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "At most 200 characters of the receiver's answer",
  })
  responseExcerpt!: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The event: the same id in every retry' })
  eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ enum: Object.values(WebhookDeliveryStatus) }) status!: WebhookDeliveryStatus;
  @ApiProperty() attemptCount!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When it is tried next (PENDING only)',
  })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) deliveredAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: [WebhookAttemptDto] }) attempts!: WebhookAttemptDto[];
}

export class WebhookDeliveryPageDto extends PageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) data!: WebhookDeliveryDto[];
}

export function mapDelivery(delivery: DeliveryWithAttempts): WebhookDeliveryDto {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attemptCount: delivery.attemptCount,
    nextAttemptAt:
      delivery.status === WebhookDeliveryStatus.PENDING
        ? delivery.nextAttemptAt.toISOString()
        : null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
    attempts: delivery.attempts.map((attempt) => ({
      number: attempt.number,
      startedAt: attempt.startedAt.toISOString(),
      durationMs: attempt.durationMs,
      statusCode: attempt.statusCode,
      error: attempt.error,
      responseExcerpt: attempt.responseExcerpt,
    })),
  };
}
