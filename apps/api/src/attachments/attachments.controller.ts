import { createHash } from 'node:crypto';
import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { AcceptsMultipart } from '../common/body.guard';
import type { Principal } from '../common/principal';
import { AttachmentKind } from '../generated/kysely/enums';
import { IdempotencyKeyHeader } from '../idempotency/idempotent.decorator';
import { fingerprint, IdempotencyService } from '../idempotency/idempotency.service';
import {
  AttachmentsService,
  MAX_ATTACHMENTS_PER_REFUND,
  UPLOADER_ROLES,
} from './attachments.service';
import { AttachmentDto } from './dto/attachment.dto';
import { contentDisposition, servedFileName } from './file-name';
import { ACCEPTED_TYPES } from './file-type';
import { readUpload } from './multipart-upload';

@ApiTags('attachments')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: no or bad bearer token' })
@Controller('v1/refunds/:id/attachments')
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @AcceptsMultipart()
  @Roles(...UPLOADER_ROLES)
  @ApiOperation({
    summary: 'Attach evidence to a refund',
    description:
      'PDF, PNG, JPEG or UTF-8 plain text, recognised from the bytes; at most 5 MiB a file and ' +
      `${MAX_ATTACHMENTS_PER_REFUND} files a refund. Customers upload while the refund is ` +
      'DRAFT, INFO_REQUESTED, REJECTED (within the dispute window) or DISPUTED; merchants and ' +
      "agents while SUBMITTED, UNDER_REVIEW or DISPUTED. The refund's version is unchanged.",
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'kind'],
      properties: {
        file: {
          type: 'string',
          format: 'binary',
          description: "The file; its name is kept, with its detected type's extension",
        },
        kind: { type: 'string', enum: Object.values(AttachmentKind) },
      },
    },
  })
  @IdempotencyKeyHeader()
  @ApiCreatedResponse({ type: AttachmentDto })
  @ApiBadRequestResponse({
    description: 'VALIDATION_FAILED or MALFORMED_REQUEST: no `file`, bad `kind`, unknown parts',
  })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: the system role never uploads' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such refund, or not yours' })
  @ApiConflictResponse({
    description: 'INVALID_TRANSITION: the refund’s state does not allow uploads by your role',
  })
  @ApiPayloadTooLargeResponse({ description: 'PAYLOAD_TOO_LARGE: the file is over 5 MiB' })
  @ApiUnsupportedMediaTypeResponse({
    description:
      'UNSUPPORTED_MEDIA_TYPE: the body is not multipart/form-data, or the file is not PDF, ' +
      'PNG, JPEG or plain text',
  })
  @ApiUnprocessableEntityResponse({
    description:
      'EVIDENCE_KIND_MISMATCH: a PHOTO that is not a PNG or JPEG image; ' +
      `TOO_MANY_ATTACHMENTS: the refund already has ${MAX_ATTACHMENTS_PER_REFUND}; ` +
      "QUOTA_EXCEEDED: the file would take the customer's uploads past " +
      'MAX_ATTACHMENT_BYTES_PER_CUSTOMER',
  })
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const upload = await readUpload(request);
    // Keyed on what was sent (kind, name, bytes), not on the multipart framing, which differs
    // between retries.
    const sent = {
      kind: upload.kind,
      fileName: upload.fileName,
      sha256: createHash('sha256').update(upload.content).digest('hex'),
      tooLarge: upload.tooLarge,
    };
    return this.idempotency.run(request, reply, fingerprint(sent), () =>
      this.attachments.upload(principal, id, upload),
    );
  }

  @Get()
  @ApiOperation({ summary: "A refund's attachments (metadata only), oldest first" })
  @ApiOkResponse({ type: [AttachmentDto] })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such refund, or not yours' })
  list(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.attachments.list(principal, id);
  }

  @Get(':attachmentId')
  @ApiOperation({
    summary: 'Download an attachment',
    description:
      'The stored bytes with their detected Content-Type, always as a download ' +
      "(Content-Disposition: attachment) named `fileName`, which ends in the detected type's " +
      'extension; ETag is the SHA-256.',
  })
  @ApiProduces(...Object.values(ACCEPTED_TYPES))
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such refund or attachment, or not yours' })
  async download(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const { attachment, content } = await this.attachments.download(principal, id, attachmentId);
    void reply.headers({
      'Content-Type': attachment.contentType,
      'Content-Length': content.length,
      'Content-Disposition': contentDisposition(
        servedFileName(attachment.fileName, attachment.contentType),
      ),
      'X-Content-Type-Options': 'nosniff',
      ETag: `"${attachment.sha256}"`,
      'Cache-Control': 'private, no-cache',
    });
    return content;
  }
}
