import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { PrismaService } from '../database/prisma.service';
import { lockRefund } from '../database/row-locks';
import type { Attachment, Prisma, Refund } from '../generated/prisma/client';
import { AttachmentKind } from '../generated/prisma/enums';
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

export type InsertResult =
  | { outcome: 'done'; attachment: AttachmentMetadata }
  | { outcome: 'not-allowed'; refund: Refund }
  | { outcome: 'full'; count: number };

@Injectable()
export class AttachmentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  listByRefund(refundId: string): Promise<AttachmentMetadata[]> {
    return this.prisma.attachment.findMany({
      where: { refundId },
      omit: { content: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  findWithContent(refundId: string, id: string): Promise<Attachment | null> {
    return this.prisma.attachment.findFirst({ where: { id, refundId } });
  }

  /**
   * Inserts the attachment if the refund, locked for the transaction, still allows it and has
   * fewer than `limit` attachments. The lock serialises uploads (and state changes) on one
   * refund, so parallel uploads cannot all see the last free slot.
   */
  insertWithinLimit(
    input: NewAttachment,
    limit: number,
    allowed: (refund: Refund) => boolean,
    /** More writes that belong to the upload (the dispute case's note), in its transaction. */
    afterInsert?: (tx: Prisma.TransactionClient, attachment: AttachmentMetadata) => Promise<void>,
  ): Promise<InsertResult> {
    return this.prisma.$transaction(async (tx) => {
      await lockRefund(tx, input.refundId);
      const refund = await tx.refund.findUniqueOrThrow({ where: { id: input.refundId } });
      if (!allowed(refund)) return { outcome: 'not-allowed', refund };
      const count = await tx.attachment.count({ where: { refundId: input.refundId } });
      if (count >= limit) return { outcome: 'full', count };
      const attachment = await tx.attachment.create({
        data: {
          refundId: input.refundId,
          kind: input.kind,
          fileName: input.fileName,
          contentType: input.contentType,
          size: input.content.length,
          sha256: input.sha256,
          content: input.content,
          uploadedByRole: input.uploadedBy.role,
          uploadedById: input.uploadedBy.id,
        },
        omit: { content: true },
      });
      await afterInsert?.(tx, attachment);
      return { outcome: 'done', attachment };
    });
  }
}
