import { createHash } from 'node:crypto';
import { UUID } from '../common/ids';
import { Injectable } from '@nestjs/common';
import type { Principal, Role } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { AppError, notFound } from '../errors/app-error';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { Refund, KyselyTransactionalAdapter } from '../database/database';
import { AttachmentKind, RefundStatus } from '../generated/kysely/enums';
import { CasesService } from '../cases/cases.service';
import { isTerminal, withinWindow } from '../refunds/next-actions';
import { EDITS, mayEdit } from '../refunds/refund-transitions';
import { RefundsService } from '../refunds/refunds.service';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentDto, AttachmentMetadata, mapAttachment } from './dto/attachment.dto';
import { detectFileType, isImage } from './file-type';
import { FILE_SIZE_LIMIT, type Upload } from './multipart-upload';

export const MAX_ATTACHMENTS_PER_REFUND = 10;
export const UPLOADER_ROLES = ['customer', 'merchant', 'agent'] as const satisfies Role[];

/** Who may add evidence in which state: the refund flow's table says (EDITS.upload). */
export const UPLOAD_STATUSES = EDITS.upload;

/** Whether the role may upload to the refund now (a REJECTED one only within its dispute window). */
export function mayUpload(role: Role, refund: Refund, now: Date): boolean {
  return mayEdit('upload', role, refund.status) && !isTerminal(refund, now);
}

export interface Download {
  attachment: AttachmentMetadata;
  content: Buffer;
}

@Injectable()
export class AttachmentsService {
  constructor(
    private readonly txHost: TransactionHost<KyselyTransactionalAdapter>,
    private readonly attachments: AttachmentsRepository,
    private readonly refunds: RefundsService,
    private readonly cases: CasesService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Refusals in the documented order: 404 not visible, 409 not in an upload state for the role,
   * 413 too large, 415 not an accepted type, 422 a PHOTO that is not an image, the merchant's
   * response window closed, or the refund already has ten attachments.
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
    if (upload.kind === AttachmentKind.PHOTO && !isImage(contentType)) {
      throw new AppError(
        'EVIDENCE_KIND_MISMATCH',
        'A PHOTO must be a PNG or JPEG image (judged by its content).',
        [
          {
            field: 'kind',
            message: 'PHOTO takes a PNG or JPEG image; send this file as another kind',
          },
        ],
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
    return this.store(principal, refund.id, upload, contentType);
  }

  /**
   * The write, in one unit of work under the refund's lock: uploads (and state changes) on one
   * refund apply one after the other, so parallel uploads cannot all take the last free slot,
   * and the state is checked again as locked. A customer's uploads also take their quota lock
   * (first, as apply does), so that parallel uploads to several refunds cannot all take the
   * last free bytes.
   */
  private store(
    principal: Principal,
    refundId: string,
    upload: Upload,
    contentType: string,
  ): Promise<AttachmentDto> {
    return this.txHost.withTransaction(async () => {
      const customer = principal.role === 'customer';
      if (customer) await this.refunds.lockCustomerQuotas(principal.id);
      const refund = await this.refunds.lockVisible(principal, refundId);
      if (!mayUpload(principal.role, refund, new Date())) throw notAllowed(principal, refund);
      const count = await this.attachments.countForRefund(refund.id);
      if (count >= MAX_ATTACHMENTS_PER_REFUND) {
        throw new AppError(
          'TOO_MANY_ATTACHMENTS',
          `A refund may have at most ${MAX_ATTACHMENTS_PER_REFUND} attachments; it has ${count}.`,
        );
      }
      if (customer) {
        const limit = this.config.maxAttachmentBytesPerCustomer;
        const used = await this.attachments.bytesUploadedByCustomer(principal.id);
        if (used + upload.content.length > limit) {
          throw new AppError(
            'QUOTA_EXCEEDED',
            `A customer may upload at most ${limit} bytes in all; you have uploaded ${used}, ` +
              `and this file has ${upload.content.length}.`,
          );
        }
      }
      const attachment = await this.attachments.insert({
        refundId: refund.id,
        kind: upload.kind,
        fileName: upload.fileName,
        contentType,
        sha256: createHash('sha256').update(upload.content).digest('hex'),
        content: upload.content,
        uploadedBy: principal,
      });
      const dto = mapAttachment(attachment);
      // Evidence added during a dispute shows in the dispute case, for the agent deciding it.
      if (refund.status === RefundStatus.DISPUTED) {
        await this.cases.addToOpenCase(refund.id, {
          author: principal,
          body: `Attached ${dto.fileName} (${dto.kind}, ${dto.contentType}).`,
          details: { attachmentId: dto.id },
        });
      }
      return dto;
    });
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
