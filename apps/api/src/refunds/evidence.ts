import type { FieldError } from '../errors/app-error';
import { AttachmentKind, ReasonCode } from '../generated/kysely/enums';

export const MIN_OTHER_DESCRIPTION = 20;

/** What a reason needs before `submit`: a photo, any attachment, or a long enough description. */
export type EvidenceRule = 'PHOTO' | 'ATTACHMENT' | 'DESCRIPTION';

/**
 * The evidence checklist of each reason (null: nothing beyond the application). `submit`
 * enforces it and `GET /v1/refund-reasons` publishes it, so the two cannot disagree.
 */
export const EVIDENCE_RULES: Record<ReasonCode, EvidenceRule | null> = {
  [ReasonCode.DEFECTIVE_OR_DAMAGED]: 'PHOTO',
  [ReasonCode.NOT_AS_DESCRIBED]: 'ATTACHMENT',
  [ReasonCode.UNAUTHORIZED_TRANSACTION]: 'ATTACHMENT',
  [ReasonCode.OTHER]: 'DESCRIPTION',
  [ReasonCode.NOT_RECEIVED]: null,
  [ReasonCode.DUPLICATE_CHARGE]: null,
  [ReasonCode.CANCELLED_ORDER]: null,
};

/** In English, as the detail of EVIDENCE_MISSING says it (other languages: the i18n catalogs). */
const MISSING: Record<EvidenceRule, string> = {
  PHOTO: 'a PHOTO attachment showing the defect or damage',
  ATTACHMENT: 'at least one attachment',
  DESCRIPTION: `a description of at least ${MIN_OTHER_DESCRIPTION} characters`,
};

function satisfied(
  rule: EvidenceRule,
  description: string | null,
  attachmentKinds: readonly AttachmentKind[],
): boolean {
  switch (rule) {
    case 'PHOTO':
      return attachmentKinds.includes(AttachmentKind.PHOTO);
    case 'ATTACHMENT':
      return attachmentKinds.length > 0;
    case 'DESCRIPTION':
      return (description?.trim().length ?? 0) >= MIN_OTHER_DESCRIPTION;
  }
}

/**
 * What `submit` still needs by the reason's checklist, as field errors of `evidence` (each
 * names its catalog rule, so that it is translated); empty when the refund may be submitted.
 */
export function missingEvidence(
  reason: ReasonCode,
  description: string | null,
  attachmentKinds: readonly AttachmentKind[],
): FieldError[] {
  const rule = EVIDENCE_RULES[reason];
  if (rule === null || satisfied(rule, description, attachmentKinds)) return [];
  return [
    {
      field: 'evidence',
      message: MISSING[rule],
      rule: `evidence.${rule}`,
      params: { min: MIN_OTHER_DESCRIPTION },
    },
  ];
}
