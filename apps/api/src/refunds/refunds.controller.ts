import {
  applyDecorators,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../common/principal';
import { IF_MATCH } from '../common/api-headers';
import { etag, IfMatch } from '../common/if-match';
import { ListRefundsQueryDto } from './dto/list-refunds.dto';
import {
  CreateRefundDto,
  DisputeDto,
  EmptyDto,
  MerchantResponseDto,
  NoteDto,
  OfferDto,
  PayoutDto,
  ProvideInfoDto,
  RejectDto,
  RequestInfoDto,
  ResolveDisputeDto,
  UpdateRefundDto,
} from './dto/refund-requests.dto';
import { RefundDto, RefundEventDto, RefundPageDto } from './dto/refund.dto';
import { describeAction, RefundAction, TRANSITIONS } from './refund-transitions';
import { RefundsService } from './refunds.service';
import { Idempotent } from '../idempotency/idempotent.decorator';

/** One endpoint per action of the transition table: roles and description come from the table. */
function Action(action: RefundAction) {
  return applyDecorators(
    Post(`:id/${action}`),
    Idempotent(),
    HttpCode(200),
    Roles(...TRANSITIONS[action].roles),
    ApiOperation({ summary: action, description: describeAction(action) }),
    ApiOkResponse({ type: RefundDto }),
    ApiForbiddenResponse({ description: 'FORBIDDEN: the role may never take this action' }),
    ApiNotFoundResponse({ description: 'NOT_FOUND: no such refund, or not yours' }),
    ApiPreconditionFailedResponse({ description: 'VERSION_MISMATCH: stale If-Match' }),
    ApiConflictResponse({
      description:
        'INVALID_TRANSITION: not allowed from the current state; OFFER_ALREADY_OPEN, NO_OPEN_OFFER: the offer steps',
    }),
    ApiUnprocessableEntityResponse({
      description:
        'AMOUNT_EXCEEDS_REFUNDABLE, EVIDENCE_MISSING, DISPUTE_WINDOW_CLOSED, RESPONSE_WINDOW_CLOSED, OFFER_AMOUNT_INVALID',
    }),
    IF_MATCH,
  );
}

@ApiTags('refunds')
@ApiBearerAuth()
@Controller('v1/refunds')
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @Idempotent()
  @Post()
  @Roles(...TRANSITIONS.apply.roles)
  @ApiOperation({ summary: 'apply', description: describeAction('apply') })
  @ApiCreatedResponse({ type: RefundDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such payment, or not yours' })
  @ApiUnprocessableEntityResponse({
    description:
      'AMOUNT_EXCEEDS_REFUNDABLE; QUOTA_EXCEEDED: the customer has MAX_OPEN_DRAFTS_PER_CUSTOMER drafts',
  })
  apply(@CurrentPrincipal() principal: Principal, @Body() body: CreateRefundDto) {
    return this.refunds.apply(principal, body);
  }

  @Get()
  @ApiOperation({ summary: 'List refunds you may see, newest first' })
  @ApiOkResponse({ type: RefundPageDto })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListRefundsQueryDto) {
    return this.refunds.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A refund, with what you may do next; ETag is its version' })
  @ApiOkResponse({ type: RefundDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.refunds.get(principal, id));
  }

  @Patch(':id')
  @Roles('customer')
  @ApiOperation({ summary: 'Edit a DRAFT: amount, reasonCode, description' })
  @ApiOkResponse({ type: RefundDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such refund, or not yours' })
  @ApiPreconditionFailedResponse({ description: 'VERSION_MISMATCH: stale If-Match' })
  @ApiConflictResponse({ description: 'INVALID_TRANSITION: no longer a draft' })
  @ApiUnprocessableEntityResponse({ description: 'AMOUNT_EXCEEDS_REFUNDABLE' })
  @IF_MATCH
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: UpdateRefundDto,
    @IfMatch() ifMatch: number | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.refunds.update(principal, id, body, ifMatch));
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'The timeline, oldest first' })
  @ApiOkResponse({ type: [RefundEventDto] })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such refund, or not yours' })
  events(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.refunds.events(principal, id);
  }

  @Action('submit')
  submit(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() _body: EmptyDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.submit(p, id, ifMatch);
  }

  @Action('start-review')
  startReview(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() _body: EmptyDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.startReview(p, id, ifMatch);
  }

  @Action('request-info')
  requestInfo(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: RequestInfoDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.requestInfo(p, id, body, ifMatch);
  }

  @Action('provide-info')
  provideInfo(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: ProvideInfoDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.provideInfo(p, id, body, ifMatch);
  }

  @Action('approve')
  approve(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: NoteDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.approve(p, id, body, ifMatch);
  }

  @Action('reject')
  reject(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: RejectDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.reject(p, id, body, ifMatch);
  }

  @Action('cancel')
  cancel(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() _body: EmptyDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.cancel(p, id, ifMatch);
  }

  @Action('dispute')
  dispute(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: DisputeDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.dispute(p, id, body, ifMatch);
  }

  @Action('withdraw-dispute')
  withdrawDispute(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() _body: EmptyDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.withdrawDispute(p, id, ifMatch);
  }

  @Action('resolve-dispute')
  resolveDispute(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: ResolveDisputeDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.resolveDispute(p, id, body, ifMatch);
  }

  @Action('start-payout')
  startPayout(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() _body: EmptyDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.startPayout(p, id, ifMatch);
  }

  @Action('payout')
  payout(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: PayoutDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.payout(p, id, body, ifMatch);
  }

  @Action('retry-payout')
  retryPayout(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() _body: EmptyDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.retryPayout(p, id, ifMatch);
  }

  @Action('offer')
  offer(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: OfferDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.offer(p, id, body, ifMatch);
  }

  @Action('accept-offer')
  acceptOffer(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() _body: EmptyDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.acceptOffer(p, id, ifMatch);
  }

  @Action('decline-offer')
  declineOffer(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() _body: EmptyDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.declineOffer(p, id, ifMatch);
  }

  @Action('withdraw-offer')
  withdrawOffer(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() _body: EmptyDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.withdrawOffer(p, id, ifMatch);
  }

  @Action('merchant-response')
  merchantResponse(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: MerchantResponseDto,
    @IfMatch() ifMatch?: number,
  ) {
    return this.refunds.merchantResponse(p, id, body, ifMatch);
  }
}

function withEtag(reply: FastifyReply, refund: RefundDto): RefundDto {
  void reply.header('ETag', etag(refund.version));
  return refund;
}
