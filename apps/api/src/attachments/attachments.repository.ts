import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import type { Principal } from '../common/principal';
import type { Attachment, KyselyTransactionalAdapter } from '../database/database';
import { AttachmentKind } from '../generated/kysely/enums';
import type { AttachmentMetadata } from './dto/attachment.dto';

export interface NewAttachment {
  refundId: string;
  kind: AttachmentKind;
  fileName: string;
  contentType: string;
  sha256: string;
  content: Buffer<ArrayBuffer>;
  uploadedBy: Principal;
}

const METADATA = [
  'id',
  'refundId',
  'kind',
  'fileName',
  'contentType',
  'size',
  'sha256',
  'uploadedByRole',
  'uploadedById',
  'createdAt',
] as const;

@Injectable()
export class AttachmentsRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  listByRefund(refundId: string): Promise<AttachmentMetadata[]> {
    return this.db
      .selectFrom('attachments')
      .select(METADATA)
      .where('refundId', '=', refundId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
  }

  findWithContent(refundId: string, id: string): Promise<Attachment | undefined> {
    return this.db
      .selectFrom('attachments')
      .selectAll()
      .where('id', '=', id)
      .where('refundId', '=', refundId)
      .executeTakeFirst();
  }

  async countForRefund(refundId: string): Promise<number> {
    const { count } = await this.db
      .selectFrom('attachments')
      .select((eb) => eb.fn.countAll<bigint>().as('count'))
      .where('refundId', '=', refundId)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  /** The bytes a customer uploaded, all their refunds together (found through their refunds). */
  async bytesUploadedByCustomer(customerId: string): Promise<number> {
    const { total } = await this.db
      .selectFrom('attachments')
      .innerJoin('refunds', 'refunds.id', 'attachments.refundId')
      .select((eb) =>
        eb.fn.coalesce(eb.fn.sum<bigint>('attachments.size'), sql<bigint>`0`).as('total'),
      )
      .where('refunds.customerId', '=', customerId)
      .where('attachments.uploadedByRole', '=', 'customer')
      .where('attachments.uploadedById', '=', customerId)
      .executeTakeFirstOrThrow();
    return Number(total);
  }

  insert(input: NewAttachment): Promise<AttachmentMetadata> {
    return this.db
      .insertInto('attachments')
      .values({
        id: randomUUID(),
        refundId: input.refundId,
        kind: input.kind,
        fileName: input.fileName,
        contentType: input.contentType,
        size: input.content.length,
        sha256: input.sha256,
        content: input.content,
        uploadedByRole: input.uploadedBy.role,
        uploadedById: input.uploadedBy.id,
      })
      .returning(METADATA)
      .executeTakeFirstOrThrow();
  }
}
