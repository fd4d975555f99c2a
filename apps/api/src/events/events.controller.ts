import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../common/principal';
import { EventPageDto, ListEventsQueryDto } from './dto/event.dto';
import { EventsService } from './events.service';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @ApiOperation({
    summary: 'Events you may see, newest first',
    description:
      'Scoped like refunds: customers their own, merchants their refunds (no case events), agents and the system all.',
  })
  @ApiOkResponse({ type: EventPageDto })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListEventsQueryDto) {
    return this.events.list(principal, query);
  }
}
