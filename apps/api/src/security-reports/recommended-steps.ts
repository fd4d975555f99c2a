/**
 * What a customer whose wallet was taken over should do next: the article's checklist, as codes
 * with their texts (English until the language catalogs arrive).
 */
export const RECOMMENDED_STEPS = {
  CHANGE_PASSWORD: 'Change your wallet password and PIN now, from a device you trust.',
  ENABLE_TWO_FACTOR: 'Turn on two-factor verification for logins and payments.',
  REVIEW_ACCOUNT_ACTIVITY:
    'Review your recent transactions and report any other payment you did not make.',
  REPLACE_LINKED_BANK_CARD: 'Ask your bank to block and replace the card linked to your wallet.',
  AVOID_PUBLIC_WIFI: 'Avoid public Wi-Fi for your wallet and banking apps.',
} as const;

export type RecommendedStepCode = keyof typeof RECOMMENDED_STEPS;

export const RECOMMENDED_STEP_CODES = Object.keys(RECOMMENDED_STEPS) as RecommendedStepCode[];

export function recommendedSteps(): { code: RecommendedStepCode; text: string }[] {
  return RECOMMENDED_STEP_CODES.map((code) => ({ code, text: RECOMMENDED_STEPS[code] }));
}
