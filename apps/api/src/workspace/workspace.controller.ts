import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../common/principal';
import { CustomerOverviewDto, SearchQueryDto, SearchResultDto } from './dto/workspace.dto';
import { WorkspaceService } from './workspace.service';

@ApiTags('workspace')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'FORBIDDEN: agents only' })
@Roles('agent')
@Controller('v1')
export class WorkspaceController {
  constructor(private readonly workspace: WorkspaceService) {}

  @Get('search')
  @ApiOperation({
    summary: 'Find cases, refunds, payments, customers and merchants',
    description:
      'Cases, refunds and payments whose id starts with q (8 characters or more; a payment ' +
      'also by its whole id), the customer or merchant with id q, and payments whose ' +
      'description contains every word of q. At most 20 of each, newest first.',
  })
  @ApiOkResponse({ type: SearchResultDto })
  search(@CurrentPrincipal() p: Principal, @Query() query: SearchQueryDto) {
    return this.workspace.search(p, query.q);
  }

  @Get('customers/:id')
  @ApiOperation({
    summary:
      'The customer at a glance: payments, refunds, cases (newest first), open security report and payout hold',
  })
  @ApiOkResponse({ type: CustomerOverviewDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no payment, refund or case of this customer' })
  customer(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.workspace.customer(p, id);
  }
}
