import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiUnprocessableEntityResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../common/principal';
import { RenderedMacroDto } from '../macros/dto/macro.dto';
import { EmptyDto } from '../refunds/dto/refund-requests.dto';
import { CasesService } from './cases.service';
import {
  AssignCaseDto,
  CaseMessageRequestDto,
  ListCasesQueryDto,
  RateCaseDto,
} from './dto/case-requests.dto';
import {
  CaseCountsDto,
  CaseHistoryDto,
  CaseMessageDto,
  CasePageDto,
  PresenceDto,
  SupportCaseDto,
} from './dto/case.dto';
import { Idempotent } from '../idempotency/idempotent.decorator';

const STATE_CONFLICT = ApiConflictResponse({
  description:
    "INVALID_TRANSITION: not allowed from the case's status; CONFLICT: the refund has another open case",
});

@ApiTags('cases')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'FORBIDDEN: merchants and the system have no cases' })
@ApiNotFoundResponse({ description: 'NOT_FOUND: no such case, or not yours' })
@Roles('customer', 'agent')
@Controller('v1/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Get()
  @ApiOperation({
    summary: 'The support queue (customers: their own cases), most urgent first unless sorted',
  })
  @ApiOkResponse({ type: CasePageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: ListCasesQueryDto) {
    return this.cases.list(p, query);
  }

  @Get('counts')
  @Roles('agent')
  @ApiOperation({
    summary:
      'The number of open cases in each saved view (mine, unassigned, breached, disputes, stolen wallet)',
  })
  @ApiOkResponse({ type: CaseCountsDto })
  counts(@CurrentPrincipal() p: Principal) {
    return this.cases.counts(p);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A support case' })
  @ApiOkResponse({ type: SupportCaseDto })
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.cases.get(p, id);
  }

  @Get(':id/messages')
  @ApiOperation({ summary: 'The conversation, oldest first (customers: public messages only)' })
  @ApiOkResponse({ type: [CaseMessageDto] })
  messages(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.cases.messages(p, id);
  }

  @Get(':id/history')
  @ApiOperation({ summary: "The case's append-only change history" })
  @ApiOkResponse({ type: [CaseHistoryDto] })
  history(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.cases.history(p, id);
  }

  @Get(':id/macros/:macroId')
  @Roles('agent')
  @ApiOperation({
    summary:
      "A macro's text for this case: its placeholders filled in, as posting it would post it",
    description:
      'For an agent to read or edit a saved reply before sending it elsewhere (the message to ' +
      'the customer of resolve-dispute). Placeholders of a case without a refund read empty.',
  })
  @ApiOkResponse({ type: RenderedMacroDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such case, or no such macro' })
  macro(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('macroId') macroId: string,
  ) {
    return this.cases.renderedMacro(p, id, macroId);
  }

  @Idempotent()
  @Post(':id/messages')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Post a message (agents: public or internal; customers: public, on their own case)',
    description:
      'The first public agent message is the first response. A customer reply on a ' +
      'PENDING_CUSTOMER case moves it back to OPEN.',
  })
  @ApiOkResponse({ type: SupportCaseDto })
  @ApiConflictResponse({ description: 'INVALID_TRANSITION: the case is solved or closed' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such case (or not yours), or no such macro' })
  message(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: CaseMessageRequestDto,
  ) {
    return this.cases.postMessage(p, id, body);
  }

  @Idempotent()
  @Post(':id/presence')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({
    summary: 'Heartbeat: the caller has the case open; answers who has it open now',
    description:
      'Send one every 10–20 s while the case is open: a heartbeat is forgotten after 30 s.',
  })
  @ApiOkResponse({ type: PresenceDto })
  presence(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() _body: EmptyDto) {
    return this.cases.presence(p, id);
  }

  @Idempotent()
  @Post(':id/assign')
  @STATE_CONFLICT
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Assign to an agent (yourself or another); a NEW case becomes OPEN' })
  @ApiOkResponse({ type: SupportCaseDto })
  assign(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: AssignCaseDto) {
    return this.cases.assign(p, id, body);
  }

  @Idempotent()
  @Post(':id/pending')
  @STATE_CONFLICT
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Wait for the customer (PENDING_CUSTOMER)' })
  @ApiOkResponse({ type: SupportCaseDto })
  pending(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() _body: EmptyDto) {
    return this.cases.pending(p, id);
  }

  @Idempotent()
  @Post(':id/hold')
  @STATE_CONFLICT
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Wait for a third party (ON_HOLD)' })
  @ApiOkResponse({ type: SupportCaseDto })
  hold(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() _body: EmptyDto) {
    return this.cases.hold(p, id);
  }

  @Idempotent()
  @Post(':id/solve')
  @STATE_CONFLICT
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Solve (a DISPUTE case is solved by resolving the dispute instead)' })
  @ApiOkResponse({ type: SupportCaseDto })
  solve(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() _body: EmptyDto) {
    return this.cases.solve(p, id);
  }

  @Idempotent()
  @Post(':id/reopen')
  @STATE_CONFLICT
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen a SOLVED case (customers: their own, within 7 days)' })
  @ApiOkResponse({ type: SupportCaseDto })
  reopen(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() _body: EmptyDto) {
    return this.cases.reopen(p, id);
  }

  @Idempotent()
  @Post(':id/close')
  @STATE_CONFLICT
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Close a SOLVED case for good' })
  @ApiOkResponse({ type: SupportCaseDto })
  close(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() _body: EmptyDto) {
    return this.cases.close(p, id);
  }

  @Idempotent()
  @Post(':id/rating')
  @Roles('customer')
  @ApiOperation({
    summary: "Rate the support (the case's customer, once, after it was solved)",
    description:
      'While the case is SOLVED or CLOSED and within CSAT_WINDOW_DAYS of its latest solving; ' +
      'a rating survives a reopen. Publishes `case.rated`.',
  })
  @ApiCreatedResponse({ type: SupportCaseDto })
  @ApiConflictResponse({
    description: 'INVALID_TRANSITION: the case is still open; ALREADY_RATED: rated before',
  })
  @ApiUnprocessableEntityResponse({
    description: 'RATING_WINDOW_CLOSED: solved more than CSAT_WINDOW_DAYS ago',
  })
  rate(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: RateCaseDto) {
    return this.cases.rate(p, id, body);
  }
}
