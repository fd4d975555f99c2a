import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  MaxLength,
} from 'class-validator';
import { ActorDto } from '../../refunds/dto/refund.dto';
import { PageDto } from '../../common/pagination';
import { EVENT_TYPES } from '../../events/event-types';
import type { WebhookEndpoint } from '../../database/database';
import { SECRET_OVERLAP_MS } from '../signature';

/**
 * What an endpoint may subscribe to: exact types, a family (`refund.*`, `case.*`,
 * `security-report.*`, `customer.*`) or `*`.
 */
export const SUBSCRIBABLE_EVENTS = [
  '*',
  'refund.*',
  'case.*',
  'security-report.*',
  'customer.*',
  ...EVENT_TYPES,
];

export class CreateWebhookEndpointDto {
  @ApiProperty({
    maxLength: 2048,
    example: 'https://merchant.example/refund-desk/webhooks',
    description:
      'https; http and loopback or private addresses only with WEBHOOK_ALLOW_PRIVATE_URLS=true',
  })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({
    type: [String],
    enum: SUBSCRIBABLE_EVENTS,
    example: ['refund.submit', 'refund.approve'],
    description:
      'The event types to receive: exact types, `refund.*`, `case.*`, `security-report.*`, `customer.*` (the last three: system only) or `*` (every type the caller may receive: refund events for a merchant, all for the system)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE_EVENTS, { each: true })
  events!: string[];
}

export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String], enum: SUBSCRIBABLE_EVENTS }) events!: string[];
  @ApiProperty({ type: ActorDto }) owner!: ActorDto;
  @ApiProperty() createdAt!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'After a rotation: until when the replaced secret signs beside the new one (24 hours after the rotation); null before any',
  })
  previousSecretExpiresAt!: string | null;
}

export class CreatedWebhookEndpointDto extends WebhookEndpointDto {
  @ApiProperty({
    example: 'whsec_…',
    description:
      'Signs every delivery (Refund-Signature). Shown in this answer only (the creation or rotation): store it now.',
  })
  secret!: string;
}

export class WebhookEndpointPageDto extends PageDto {
  @ApiProperty({ type: [WebhookEndpointDto] }) data!: WebhookEndpointDto[];
}

export function mapEndpoint(endpoint: WebhookEndpoint): WebhookEndpointDto {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    owner: { role: endpoint.ownerRole, id: endpoint.ownerId },
    createdAt: endpoint.createdAt.toISOString(),
    previousSecretExpiresAt: endpoint.secretRotatedAt
      ? new Date(endpoint.secretRotatedAt.getTime() + SECRET_OVERLAP_MS).toISOString()
      : null,
  };
}
