import { Global, Module } from '@nestjs/common';
import { MeController } from './me.controller';
import { TokenService } from './token.service';

@Global()
@Module({ controllers: [MeController], providers: [TokenService], exports: [TokenService] })
export class AuthModule {}
