import { Body, Controller, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
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
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../common/principal';
import { Page } from '../common/pagination';
import { ListTransactionsQueryDto } from './dto/list-transactions-query.dto';
import { RegisterTransactionDto } from './dto/register-transaction.dto';
import { TransactionDto, TransactionPageDto } from './dto/transaction.dto';
import { TransactionsService } from './transactions.service';
import { Idempotent } from '../idempotency/idempotent.decorator';

@ApiTags('payments')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: no or bad bearer token' })
@Controller('v1/transactions')
export class TransactionsController {
  constructor(private readonly service: TransactionsService) {}

  @Idempotent()
  @Post()
  @Roles('system')
  @ApiOperation({
    summary: 'Register a payment from the ledger',
    description:
      'Idempotent on the payment id: the same id with the same body answers 200 with the ' +
      'payment again; with another body 409.',
  })
  @ApiCreatedResponse({ type: TransactionDto, description: 'Registered' })
  @ApiOkResponse({ type: TransactionDto, description: 'Already registered with this body' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: `errors` names each field' })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: only the system registers payments' })
  @ApiConflictResponse({
    description: 'CONFLICT: the id is registered with other details; `errors` names them',
  })
  async register(
    @Body() body: RegisterTransactionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TransactionDto> {
    const { created, transaction } = await this.service.register(body);
    void reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return transaction;
  }

  @Get()
  @Roles('customer', 'merchant', 'agent', 'system')
  @ApiOperation({
    summary: 'List the payments the caller may see, newest first',
    description:
      'Customers see their own payments, merchants those made to them, agents and the system ' +
      'all. `customerId` and `merchantId` narrow the list.',
  })
  @ApiOkResponse({ type: TransactionPageDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: bad `limit`, `cursor` or filter' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListTransactionsQueryDto,
  ): Promise<Page<TransactionDto>> {
    return this.service.list(principal, query);
  }

  @Get(':id')
  @Roles('customer', 'merchant', 'agent', 'system')
  @ApiOperation({ summary: 'One payment, with its refunded and refundable amounts' })
  @ApiOkResponse({ type: TransactionDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such payment, or not the caller’s' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TransactionDto> {
    return this.service.get(principal, id);
  }
}
