import { DEFAULT_LANGUAGE, Language, translate } from '../i18n/i18n';

/**
 * What a customer whose wallet was taken over should do next: the article's checklist, as codes
 * with their texts from the language catalogs (`step.<code>`).
 */
export const RECOMMENDED_STEP_CODES = [
  'CHANGE_PASSWORD',
  'ENABLE_TWO_FACTOR',
  'REVIEW_ACCOUNT_ACTIVITY',
  'REPLACE_LINKED_BANK_CARD',
  'AVOID_PUBLIC_WIFI',
] as const;

export type RecommendedStepCode = (typeof RECOMMENDED_STEP_CODES)[number];

export function recommendedSteps(
  language: Language = DEFAULT_LANGUAGE,
): { code: RecommendedStepCode; text: string }[] {
  return RECOMMENDED_STEP_CODES.map((code) => ({
    code,
    text: translate(language, `step.${code}`),
  }));
}

/** The report with its steps in the caller's language (events keep the default: English). */
export function withStepsIn<T extends { recommendedSteps: unknown }>(
  report: T,
  language: Language,
): T {
  return { ...report, recommendedSteps: recommendedSteps(language) };
}
