import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { Roles } from '../../apps/api/src/auth/auth.decorators';

class ProbeDto {
  @IsString()
  @MaxLength(20)
  name!: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count!: number;
}

/** Routes that exist only in tests, to exercise the cross-cutting plumbing. */
@Controller('test-probe')
class ProbeController {
  @Post()
  echo(@Body() body: ProbeDto): ProbeDto {
    return body;
  }

  @Get('agents-only')
  @Roles('agent')
  agentsOnly(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
