import { createHash } from 'node:crypto';
import { UUID } from '../common/ids';
import { Injectable } from '@nestjs/common';
import type { Principal, Role } from '../auth/principal';
import { FILE_SIZE_LIMIT } from '../create-app';
import { AppError, notFound } from '../errors/app-error';
import type { Refund } from '../generated/prisma/client';
import { RefundStatus } from '../generated/prisma/enums';
import { CasesService } from '../cases/cases.service';
import { isTerminal, withinWindow } from '../refunds/next-actions';
import { RefundsService } from '../refunds/refunds.service';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentDto, AttachmentMetadata, mapAttachment } from './dto/attachment.dto';
import { detectFileType } from './file-type';
import type { Upload } from './multipart-upload';

export const MAX_ATTACHMENTS_PER_REFUND = 10;
export const UPLOADER_ROLES = ['customer', 'merchant', 'agent'] as const satisfies Role[];

/**
 * When each role may add evidence: customers while the refund is theirs to edit or answer,
 * merchants and agents while they review it; all three while it is disputed.
 */
export const UPLOAD_STATUSES: Record<Role, readonly RefundStatus[]> = {
  customer: [
    RefundStatus.DRAFT,
    RefundStatus.INFO_REQUESTED,
    RefundStatus.REJECTED,
    RefundStatus.DISPUTED,
  ],
  merchant: [RefundStatus.SUBMITTED, RefundStatus.UNDER_REVIEW, RefundStatus.DISPUTED],
  agent: [RefundStatus.SUBMITTED, RefundStatus.UNDER_REVIEW, RefundStatus.DISPUTED],
  system: [],
};

/** Whether the role may upload to the refund now (a REJECTED one only within its dispute window). */
export function mayUpload(role: Role, refund: Refund, now: Date): boolean {
  return UPLOAD_STATUSES[role].includes(refund.status) && !isTerminal(refund, now);
}

export interface Download {
  attachment: AttachmentMetadata;
  content: Buffer;
}

@Injectable()
export class AttachmentsService {
  constructor(
    private readonly attachments: AttachmentsRepository,
    private readonly refunds: RefundsService,
    private readonly cases: CasesService,
  ) {}

  /**
   * Refusals in the documented order: 404 not visible, 409 not in an upload state for the role,
   * 413 too large, 415 not an accepted type, 422 the refund already has ten attachments.
   * The refund itself (status, version, timeline) is left unchanged.
   */
  async upload(principal: Principal, refundId: string, upload: Upload): Promise<AttachmentDto> {
    const refund = await this.refunds.findVisible(principal, refundId);
    const now = new Date();
    if (!mayUpload(principal.role, refund, now)) throw notAllowed(principal, refund);
    const disputed = refund.status === RefundStatus.DISPUTED;
    if (upload.tooLarge) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `A file may be at most ${FILE_SIZE_LIMIT / (1024 * 1024)} MiB (${FILE_SIZE_LIMIT} bytes).`,
      );
    }
    const contentType = detectFileType(upload.content);
    if (!contentType) {
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Only PDF, PNG, JPEG and UTF-8 plain text files are accepted (judged by their content).',
      );
    }
    // The merchant's side of a dispute, evidence included, is due by merchantResponseDueAt.
    if (
      principal.role === 'merchant' &&
      disputed &&
      !withinWindow('merchant-response', refund, now)
    ) {
      throw new AppError(
        'RESPONSE_WINDOW_CLOSED',
        `The merchant's evidence was due by ${refund.merchantResponseDueAt?.toISOString()}.`,
      );
    }
    const result = await this.attachments.insertWithinLimit(
      {
        refundId: refund.id,
        kind: upload.kind,
        fileName: upload.fileName,
        contentType,
        sha256: createHash('sha256').update(upload.content).digest('hex'),
        content: upload.content,
        uploadedBy: principal,
      },
      MAX_ATTACHMENTS_PER_REFUND,
      (locked) => mayUpload(principal.role, locked, new Date()),
      // Evidence added during a dispute shows in the dispute case, for the agent deciding it.
      disputed
        ? (tx, attachment) =>
            this.cases.addToOpenCase(tx, refund.id, {
              author: principal,
              body: `Attached ${attachment.fileName} (${attachment.kind}, ${attachment.contentType}).`,
              details: { attachmentId: attachment.id },
            })
        : undefined,
    );
    switch (result.outcome) {
      case 'done':
        return mapAttachment(result.attachment);
      case 'not-allowed':
        throw notAllowed(principal, result.refund);
      case 'full':
        throw new AppError(
          'TOO_MANY_ATTACHMENTS',
          `A refund may have at most ${MAX_ATTACHMENTS_PER_REFUND} attachments; it has ${result.count}.`,
        );
    }
  }

  async list(principal: Principal, refundId: string): Promise<AttachmentDto[]> {
    const refund = await this.refunds.findVisible(principal, refundId);
    return (await this.attachments.listByRefund(refund.id)).map(mapAttachment);
  }

  async download(principal: Principal, refundId: string, attachmentId: string): Promise<Download> {
    const refund = await this.refunds.findVisible(principal, refundId);
    const found = UUID.test(attachmentId)
      ? await this.attachments.findWithContent(refund.id, attachmentId)
      : null;
    if (!found) throw notFound('Attachment');
    const { content, ...attachment } = found;
    return {
      attachment,
      content: Buffer.from(content.buffer, content.byteOffset, content.byteLength),
    };
  }
}

function notAllowed(principal: Principal, refund: Refund): AppError {
  return new AppError(
    'INVALID_TRANSITION',
    `A ${principal.role} cannot add attachments to a ${refund.status} refund.`,
  );
}
