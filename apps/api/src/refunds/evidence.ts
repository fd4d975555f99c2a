import { AttachmentKind, ReasonCode } from '../generated/kysely/enums';

export const MIN_OTHER_DESCRIPTION = 20;

/**
 * The evidence checklist of each reason: what `submit` requires. Returns what is missing, in
 * words a customer can act on; empty when the refund may be submitted.
 */
export function missingEvidence(
  reason: ReasonCode,
  description: string | null,
  attachmentKinds: readonly AttachmentKind[],
): string[] {
  switch (reason) {
    case ReasonCode.DEFECTIVE_OR_DAMAGED:
      return attachmentKinds.includes(AttachmentKind.PHOTO)
        ? []
        : ['a PHOTO attachment showing the defect or damage'];
    case ReasonCode.NOT_AS_DESCRIBED:
    case ReasonCode.UNAUTHORIZED_TRANSACTION:
      return attachmentKinds.length > 0 ? [] : ['at least one attachment'];
    case ReasonCode.OTHER:
      return (description?.trim().length ?? 0) >= MIN_OTHER_DESCRIPTION
        ? []
        : [`a description of at least ${MIN_OTHER_DESCRIPTION} characters`];
    case ReasonCode.NOT_RECEIVED:
    case ReasonCode.DUPLICATE_CHARGE:
    case ReasonCode.CANCELLED_ORDER:
      return [];
  }
}
