import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from './auth.decorators';
import type { Principal } from '../common/principal';
import { PrincipalDto } from './dto/principal.dto';

@ApiTags('me')
@ApiBearerAuth()
@Controller('v1/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: "The caller's principal" })
  @ApiOkResponse({ type: PrincipalDto })
  me(@CurrentPrincipal() principal: Principal): PrincipalDto {
    return { role: principal.role, id: principal.id };
  }
}
