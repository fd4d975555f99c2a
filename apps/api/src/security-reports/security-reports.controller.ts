import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../common/principal';
import type { Language } from '../i18n/i18n';
import { AcceptLanguageHeader, AnswerLanguage } from '../i18n/language.decorator';
import { Idempotent } from '../idempotency/idempotent.decorator';
import {
  FileSecurityReportDto,
  ListSecurityReportsQueryDto,
  ReleaseSecurityReportDto,
} from './dto/security-report-requests.dto';
import { SecurityReportDto, SecurityReportPageDto } from './dto/security-report.dto';
import { withStepsIn } from './recommended-steps';
import { SecurityReportsService } from './security-reports.service';

@ApiTags('security-reports')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'FORBIDDEN: merchants have no security reports' })
@Controller('v1/security-reports')
export class SecurityReportsController {
  constructor(private readonly reports: SecurityReportsService) {}

  @Idempotent()
  @Post()
  @HttpCode(201)
  @AcceptLanguageHeader()
  @Roles('customer', 'agent')
  @ApiOperation({
    summary: 'Report a stolen wallet',
    description:
      'In one unit of work: an URGENT ACCOUNT_COMPROMISED case, a SUBMITTED refund request ' +
      'UNAUTHORIZED_TRANSACTION for the whole refundable amount of each listed payment, a payout ' +
      'hold on the customer, and the events security-report.opened and ' +
      "customer.payout-hold.placed. With the customer's report still OPEN, the new one joins " +
      'it (200): its payments grow by the new ones. Customers report their own; agents name ' +
      'the customer (`customerId`).',
  })
  @ApiCreatedResponse({ type: SecurityReportDto, description: 'A new report' })
  @ApiOkResponse({ type: SecurityReportDto, description: "The customer's OPEN report, joined" })
  @ApiBadRequestResponse({
    description:
      'VALIDATION_FAILED: more than 50 payments, one twice, customerId from a customer or ' +
      'missing from an agent',
  })
  @ApiNotFoundResponse({ description: "NOT_FOUND: a payment that is not the customer's" })
  @ApiConflictResponse({
    description: 'CONFLICT: another report of the customer was filed at the same moment',
  })
  async file(
    @CurrentPrincipal() p: Principal,
    @Body() body: FileSecurityReportDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @AnswerLanguage() language: Language,
  ) {
    const { created, report } = await this.reports.file(p, body);
    if (!created) void reply.status(200);
    return withStepsIn(report, language);
  }

  @Get()
  @AcceptLanguageHeader()
  @Roles('customer', 'agent', 'system')
  @ApiOperation({ summary: 'Security reports (customers: their own), newest first' })
  @ApiOkResponse({ type: SecurityReportPageDto })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query() query: ListSecurityReportsQueryDto,
    @AnswerLanguage() language: Language,
  ) {
    const page = await this.reports.list(p, query);
    return { ...page, data: page.data.map((report) => withStepsIn(report, language)) };
  }

  @Get(':id')
  @AcceptLanguageHeader()
  @Roles('customer', 'agent', 'system')
  @ApiOperation({ summary: 'A security report' })
  @ApiOkResponse({ type: SecurityReportDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such report, or not yours' })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @AnswerLanguage() language: Language,
  ) {
    return withStepsIn(await this.reports.get(p, id), language);
  }

  @Idempotent()
  @Post(':id/release')
  @HttpCode(200)
  @AcceptLanguageHeader()
  @Roles('agent')
  @ApiOperation({
    summary: "Release the customer's payout hold",
    description:
      'The report becomes RESOLVED and the hold ends (events security-report.resolved and ' +
      "customer.payout-hold.released); the note is added to the report's case, internal.",
  })
  @ApiOkResponse({ type: SecurityReportDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such report' })
  @ApiConflictResponse({ description: 'INVALID_TRANSITION: the report is already resolved' })
  async release(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: ReleaseSecurityReportDto,
    @AnswerLanguage() language: Language,
  ) {
    return withStepsIn(await this.reports.release(p, id, body), language);
  }
}
