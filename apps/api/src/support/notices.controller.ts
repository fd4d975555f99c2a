import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators';
import type { Principal } from '../common/principal';
import { notFound } from '../errors/app-error';
import { NoticeDto, PublishNoticeDto } from './dto/notice.dto';
import { NoticesService } from './notices.service';
import { Idempotent } from '../idempotency/idempotent.decorator';

// An id that is not a UUID names no notice.
const NoticeId = new ParseUUIDPipe({ exceptionFactory: () => notFound('Notice') });

@ApiTags('notices')
@Controller('v1/notices')
export class NoticesController {
  constructor(private readonly notices: NoticesService) {}

  @Idempotent()
  @Post()
  @Roles('agent')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Publish a maintenance or incident notice (agent)',
    description:
      'The affected channels are unavailable while it is in force: startsAt ≤ now < endsAt.',
  })
  @ApiCreatedResponse({ type: NoticeDto })
  @ApiBadRequestResponse({
    description: 'Invalid body: endsAt not after startsAt or past, unknown channel, unknown field',
  })
  @ApiUnauthorizedResponse({ description: 'No or bad token' })
  @ApiForbiddenResponse({ description: 'Not an agent' })
  publish(
    @Body() body: PublishNoticeDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<NoticeDto> {
    return this.notices.publish(body, principal);
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'One notice' })
  @ApiOkResponse({ type: NoticeDto })
  @ApiNotFoundResponse({ description: 'No such notice' })
  get(@Param('id', NoticeId) id: string): Promise<NoticeDto> {
    return this.notices.get(id);
  }

  @Idempotent()
  @Post(':id/end')
  @HttpCode(200)
  @Roles('agent')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'End a notice now (agent)',
    description: 'endsAt becomes now; an upcoming notice is cancelled (both times become now).',
  })
  @ApiOkResponse({ type: NoticeDto })
  @ApiUnauthorizedResponse({ description: 'No or bad token' })
  @ApiForbiddenResponse({ description: 'Not an agent' })
  @ApiNotFoundResponse({ description: 'No such notice' })
  @ApiConflictResponse({ description: 'INVALID_TRANSITION: the notice has already ended' })
  end(
    @Param('id', NoticeId) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<NoticeDto> {
    return this.notices.end(id, principal);
  }
}
