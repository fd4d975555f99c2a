import { ReasonCode } from '../generated/kysely/enums';
import { Language, translate } from '../i18n/i18n';
import { EVIDENCE_RULES, EvidenceRule } from './evidence';

export interface RefundReason {
  code: ReasonCode;
  evidence: EvidenceRule | null;
  text: string;
}

/** Every reason code with the evidence `submit` requires for it, named in `language`. */
export function refundReasons(language: Language): RefundReason[] {
  return Object.values(ReasonCode).map((code) => ({
    code,
    evidence: EVIDENCE_RULES[code],
    text: translate(language, `reason.${code}`),
  }));
}
