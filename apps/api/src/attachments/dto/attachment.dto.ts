import { ApiProperty } from '@nestjs/swagger';
import type { Attachment } from '../../database/database';
import { AttachmentKind } from '../../generated/kysely/enums';
import { ActorDto } from '../../refunds/dto/refund.dto';
import { servedFileName } from '../file-name';
import { ACCEPTED_TYPES } from '../file-type';

/**
 * An attachment without its bytes. Its `fileName` is stored as the client sent it (made safe by
 * `sanitizeFileName`); the API gives it out with its detected type's extension.
 */
export type AttachmentMetadata = Omit<Attachment, 'content'>;

export class AttachmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) refundId!: string;
  @ApiProperty({ enum: Object.values(AttachmentKind) }) kind!: AttachmentKind;
  @ApiProperty({
    example: 'receipt.pdf',
    description:
      "The client's file name, with the extension of the detected type in place of its own: " +
      'the name it is downloaded under',
  })
  fileName!: string;
  @ApiProperty({
    enum: Object.values(ACCEPTED_TYPES),
    description: 'Detected from the bytes, not from the name or the type the client claimed',
  })
  contentType!: string;
  @ApiProperty({ example: 48213, description: 'Bytes' }) size!: number;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  sha256!: string;
  @ApiProperty({ type: ActorDto }) uploadedBy!: ActorDto;
  @ApiProperty() createdAt!: string;
}

export function mapAttachment(attachment: AttachmentMetadata): AttachmentDto {
  return {
    id: attachment.id,
    refundId: attachment.refundId,
    kind: attachment.kind,
    fileName: servedFileName(attachment.fileName, attachment.contentType),
    contentType: attachment.contentType,
    size: attachment.size,
    sha256: attachment.sha256,
    uploadedBy: { role: attachment.uploadedByRole, id: attachment.uploadedById },
    createdAt: attachment.createdAt.toISOString(),
  };
}
