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
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  FileSecurityReportDto,
  ListSecurityReportsQueryDto,
  ReleaseSecurityReportDto,
} from './dto/security-report-requests.dto';
import { SecurityReportDto, SecurityReportPageDto } from './dto/security-report.dto';
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
  ) {
    const { created, report } = await this.reports.file(p, body);
    if (!created) void reply.status(200);
    return report;
  }

  @Get()
  @Roles('customer', 'agent', 'system')
  @ApiOperation({ summary: 'Security reports (customers: their own), newest first' })
  @ApiOkResponse({ type: SecurityReportPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: ListSecurityReportsQueryDto) {
    return this.reports.list(p, query);
  }

  @Get(':id')
  @Roles('customer', 'agent', 'system')
  @ApiOperation({ summary: 'A security report' })
  @ApiOkResponse({ type: SecurityReportDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such report, or not yours' })
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.reports.get(p, id);
  }

  @Idempotent()
  @Post(':id/release')
  @HttpCode(200)
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
  release(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: ReleaseSecurityReportDto,
  ) {
    return this.reports.release(p, id, body);
  }
}
