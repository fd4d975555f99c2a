import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../common/principal';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { CreateMacroDto, MacroDto, UpdateMacroDto } from './dto/macro.dto';
import { MacrosService } from './macros.service';

@ApiTags('macros')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'FORBIDDEN: agents only' })
@Roles('agent')
@Controller('v1/macros')
export class MacrosController {
  constructor(private readonly macros: MacrosService) {}

  @Get()
  @ApiOperation({ summary: "The agents' saved replies, by title" })
  @ApiOkResponse({ type: [MacroDto] })
  list() {
    return this.macros.list();
  }

  @Idempotent()
  @Post()
  @ApiOperation({
    summary: 'Save a reply',
    description:
      'Post it on a case with `POST /v1/cases/:id/messages {macroId}`: its placeholders are ' +
      'filled in from the case, and it is public or internal as the macro says. An unknown ' +
      'placeholder answers 400.',
  })
  @ApiCreatedResponse({ type: MacroDto })
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateMacroDto) {
    return this.macros.create(p, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a saved reply' })
  @ApiOkResponse({ type: MacroDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such macro' })
  update(@Param('id') id: string, @Body() body: UpdateMacroDto) {
    return this.macros.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a saved reply' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such macro' })
  async delete(@Param('id') id: string): Promise<void> {
    await this.macros.delete(id);
  }
}
