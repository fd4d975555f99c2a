import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../common/principal';
import { PaginationQueryDto } from '../common/pagination';
import { NotReplayed } from '../idempotency/idempotent.decorator';
import { WebhookDeliveryDto, WebhookDeliveryPageDto } from './dto/webhook-delivery.dto';
import {
  CreatedWebhookEndpointDto,
  CreateWebhookEndpointDto,
  WebhookEndpointDto,
  WebhookEndpointPageDto,
} from './dto/webhook-endpoint.dto';
import { WebhooksService } from './webhooks.service';
import { Idempotent } from '../idempotency/idempotent.decorator';

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('merchant', 'system')
@Controller('v1/webhook-endpoints')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Idempotent()
  @Post()
  @ApiOperation({
    summary: 'Subscribe a URL to events',
    description:
      "A merchant's endpoint receives the events of its own refunds; the system's, all events. The answer carries the signing secret, shown this once.",
  })
  @ApiCreatedResponse({ type: CreatedWebhookEndpointDto })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A replay answers the endpoint without its secret: the secret is shown once',
  })
  @NotReplayed('secret')
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateWebhookEndpointDto) {
    return this.webhooks.create(principal, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your webhook endpoints (all of them for the system role)' })
  @ApiOkResponse({ type: WebhookEndpointPageDto })
  list(@CurrentPrincipal() principal: Principal, @Query() query: PaginationQueryDto) {
    return this.webhooks.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A webhook endpoint (never its secret)' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.webhooks.get(principal, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop sending to this endpoint; its pending deliveries are dropped' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.webhooks.delete(principal, id);
  }

  @Idempotent()
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Issue a new signing secret',
    description:
      'The answer carries the new secret, shown this once. The replaced secret keeps signing beside it for 24 hours: Refund-Signature then carries two v1= signatures, the new one first. A second rotation within those 24 hours drops the oldest.',
  })
  @ApiOkResponse({ type: CreatedWebhookEndpointDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A replay answers the endpoint without its secret: the secret is shown once',
  })
  @NotReplayed('secret')
  rotateSecret(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.webhooks.rotateSecret(principal, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "The endpoint's deliveries, newest first, each with its attempts" })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: PaginationQueryDto,
  ) {
    return this.webhooks.deliveries(principal, id, query);
  }

  @Idempotent()
  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a FAILED delivery again (a new retry window)' })
  @ApiOkResponse({ type: WebhookDeliveryDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  @ApiConflictResponse({ description: 'INVALID_TRANSITION: the delivery is not FAILED' })
  retry(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
  ) {
    return this.webhooks.retry(principal, id, deliveryId);
  }
}
