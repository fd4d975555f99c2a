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
    enum: EVENT_TYPES,
    example: ['refund.submit', 'refund.approve'],
    description: 'The event types to receive; merchants may take refund.* types only',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(EVENT_TYPES, { each: true })
  events!: string[];
}

export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String], enum: EVENT_TYPES }) events!: string[];
  @ApiProperty({ type: ActorDto }) owner!: ActorDto;
  @ApiProperty() createdAt!: string;
}

export class CreatedWebhookEndpointDto extends WebhookEndpointDto {
  @ApiProperty({
    example: 'whsec_…',
    description:
      'Signs every delivery (Refund-Signature). Shown in this answer only: store it now.',
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
  };
}
