import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { ServiceStatusDto } from './dto/service-status.dto';
import { SupportChannelDto } from './dto/support-channel.dto';
import { SupportService } from './support.service';

@ApiTags('support')
@Public()
@Controller('v1')
export class SupportController {
  constructor(private readonly support: SupportService) {}

  @Get('support/channels')
  @ApiOperation({
    summary: 'The support channels, their hours and whether each is available now',
    description:
      'A channel is available when it is open by its hours (in the business time zone) and no ' +
      'notice in force names it.',
  })
  @ApiOkResponse({ type: [SupportChannelDto] })
  channels(): Promise<SupportChannelDto[]> {
    return this.support.listChannels();
  }

  @Get('status')
  @ApiOperation({ summary: 'Service status: current and upcoming notices, channel availability' })
  @ApiOkResponse({ type: ServiceStatusDto })
  status(): Promise<ServiceStatusDto> {
    return this.support.status();
  }
}
