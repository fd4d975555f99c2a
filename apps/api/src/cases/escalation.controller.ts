import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../common/principal';
import { IF_MATCH } from '../common/api-headers';
import { IfMatch } from '../common/if-match';
import { describeAction, TRANSITIONS } from '../refunds/refund-transitions';
import { CasesService } from './cases.service';
import { EscalateDto } from './dto/case-requests.dto';
import { EscalationDto } from './dto/case.dto';
import { Idempotent } from '../idempotency/idempotent.decorator';

/** `POST /v1/refunds/:id/escalate`: a way into support, so the support desk serves it. */
@ApiTags('refunds')
@ApiBearerAuth()
@Controller('v1/refunds')
export class EscalationController {
  constructor(private readonly cases: CasesService) {}

  @Idempotent()
  @Post(':id/escalate')
  @HttpCode(201)
  @Roles(...TRANSITIONS.escalate.roles)
  @ApiOperation({ summary: 'escalate', description: describeAction('escalate') })
  @ApiCreatedResponse({ type: EscalationDto, description: 'A new support case' })
  @ApiOkResponse({
    type: EscalationDto,
    description: "The refund's open case, with the message added",
  })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such refund, or not yours' })
  @ApiConflictResponse({ description: 'INVALID_TRANSITION: the refund is terminal' })
  @ApiPreconditionFailedResponse({ description: 'VERSION_MISMATCH: stale If-Match' })
  @IF_MATCH
  async escalate(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: EscalateDto,
    @IfMatch() ifMatch: number | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { created, supportCase } = await this.cases.escalate(p, id, body, ifMatch);
    if (!created) void reply.status(200);
    return supportCase;
  }
}
