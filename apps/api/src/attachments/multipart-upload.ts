import type { FastifyMultipartBaseOptions, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError, FieldError } from '../errors/app-error';
import { AttachmentKind } from '../generated/kysely/enums';
import { sanitizeFileName } from './file-name';

/** An upload as read from the multipart body, before any rule about the refund is applied. */
export interface Upload {
  kind: AttachmentKind;
  fileName: string;
  content: Buffer<ArrayBuffer>;
  /** The file was over the size limit: `content` is empty and the service answers 413. */
  tooLarge: boolean;
}

/** The largest evidence file accepted (bytes). */
export const FILE_SIZE_LIMIT = 5 * 1024 * 1024;

const KINDS: readonly string[] = Object.values(AttachmentKind);

// An oversize file is only flagged here, so that 404 and 409 still answer before 413.
// parts() forwards every option to the handler, though its type lists only busboy's.
const PARTS_OPTIONS: FastifyMultipartBaseOptions = { throwFileSizeLimit: false };

async function drain(
  part: MultipartFile,
): Promise<{ content: Buffer<ArrayBuffer>; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) chunks.push(chunk as Buffer);
  const tooLarge = part.file.truncated;
  return { content: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge };
}

function malformed(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FST_FILES_LIMIT') {
    return new AppError('VALIDATION_FAILED', 'Send one file per request.', [
      { field: 'file', message: 'only one file may be sent per request' },
    ]);
  }
  // @fastify/multipart refuses a part named after a property of Object.prototype before its
  // name reaches us, so the problem names the part only by what it may have been called.
  if (code === 'FST_PROTO_VIOLATION') {
    return new AppError('VALIDATION_FAILED', 'The upload is invalid.', [
      {
        field: 'body',
        message:
          'a part is named __proto__, constructor or another property of Object.prototype; send only `file` and `kind`',
      },
    ]);
  }
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return new AppError('VALIDATION_FAILED', 'Send only the `file` and `kind` parts.');
  }
  return new AppError('MALFORMED_REQUEST', 'The multipart body could not be read.');
}

/**
 * Reads `file` and `kind` from a multipart body, in either order. Every part is read to the end,
 * so the client has sent its whole body before it gets an answer. Malformed input answers 400;
 * a body that is not multipart 415, as Fastify answers for content types it does not parse.
 */
export async function readUpload(request: FastifyRequest): Promise<Upload> {
  if (!request.isMultipart()) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Upload with multipart/form-data: a `file` part and a `kind` field.',
    );
  }
  const errors: FieldError[] = [];
  let file: { name: string; content: Buffer<ArrayBuffer>; tooLarge: boolean } | undefined;
  let kind: unknown;
  let kinds = 0;
  try {
    for await (const part of request.parts(PARTS_OPTIONS)) {
      if (part.type === 'file') {
        const read = await drain(part);
        if (part.fieldname === 'file') {
          file = { name: part.filename, ...read };
        } else {
          errors.push({
            field: part.fieldname,
            message: 'is not accepted; send the file as `file`',
          });
        }
      } else if (part.fieldname === 'kind') {
        kinds += 1;
        kind = part.valueTruncated ? undefined : part.value;
      } else {
        errors.push({ field: part.fieldname, message: 'is not an accepted field' });
      }
    }
  } catch (error) {
    throw malformed(error);
  }

  if (!file) {
    errors.push({ field: 'file', message: 'a file part named `file` is required' });
  } else if (!file.tooLarge && file.content.length === 0) {
    errors.push({ field: 'file', message: 'the file is empty' });
  }
  if (kinds > 1) {
    errors.push({ field: 'kind', message: 'must be sent once' });
  } else if (typeof kind !== 'string' || !KINDS.includes(kind)) {
    errors.push({ field: 'kind', message: `must be one of ${KINDS.join(', ')}` });
  }
  if (errors.length > 0 || !file) {
    throw new AppError('VALIDATION_FAILED', 'The upload is invalid.', errors);
  }
  return {
    kind: kind as AttachmentKind,
    fileName: sanitizeFileName(file.name),
    content: file.content,
    tooLarge: file.tooLarge,
  };
}
