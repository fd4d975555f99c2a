import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { UUID } from '../common/ids';
import type { Principal } from '../common/principal';
import type { KyselyTransactionalAdapter, Macro } from '../database/database';
import { AppError, notFound } from '../errors/app-error';
import { CreateMacroDto, mapMacro, MacroDto, UpdateMacroDto } from './dto/macro.dto';
import { unknownPlaceholders } from './macro-template';
import { MacrosRepository } from './macros.repository';

/** Agents' saved replies, shared by every agent. */
@Injectable()
export class MacrosService {
  constructor(
    private readonly txHost: TransactionHost<KyselyTransactionalAdapter>,
    private readonly macros: MacrosRepository,
  ) {}

  async list(): Promise<MacroDto[]> {
    return (await this.macros.list()).map(mapMacro);
  }

  /** The macro (for posting it on a case); 404 when there is none. */
  async find(id: string): Promise<Macro> {
    const macro = UUID.test(id) ? await this.macros.findById(id) : undefined;
    if (!macro) throw notFound('Macro');
    return macro;
  }

  create(principal: Principal, dto: CreateMacroDto): Promise<MacroDto> {
    checkPlaceholders(dto.body);
    return this.txHost.withTransaction(async () =>
      mapMacro(
        await this.macros.insert({
          title: dto.title,
          body: dto.body,
          internal: dto.internal ?? false,
          createdById: principal.id,
        }),
      ),
    );
  }

  update(id: string, dto: UpdateMacroDto): Promise<MacroDto> {
    if (dto.body !== undefined) checkPlaceholders(dto.body);
    return this.txHost.withTransaction(async () => {
      const updated = UUID.test(id)
        ? await this.macros.update(id, {
            title: dto.title,
            body: dto.body,
            internal: dto.internal,
          })
        : undefined;
      if (!updated) throw notFound('Macro');
      return mapMacro(updated);
    });
  }

  delete(id: string): Promise<void> {
    return this.txHost.withTransaction(async () => {
      if (!UUID.test(id) || !(await this.macros.delete(id))) throw notFound('Macro');
    });
  }
}

/** A placeholder we do not know would reach the customer as typed: 400 instead. */
function checkPlaceholders(body: string): void {
  const unknown = unknownPlaceholders(body);
  if (unknown.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      'The request is invalid.',
      unknown.map((name) => ({ field: 'body', message: `unknown placeholder {{${name}}}` })),
    );
  }
}
