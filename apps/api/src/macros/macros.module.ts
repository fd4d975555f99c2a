import { Module } from '@nestjs/common';
import { MacrosController } from './macros.controller';
import { MacrosRepository } from './macros.repository';
import { MacrosService } from './macros.service';

@Module({
  controllers: [MacrosController],
  providers: [MacrosService, MacrosRepository],
  exports: [MacrosService],
})
export class MacrosModule {}
