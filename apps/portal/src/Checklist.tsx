import { useWords } from './i18n';
import type { Evidence } from './types';

/**
 * The evidence a reason needs (GET /v1/refund-reasons, the rule submit enforces). With `met`,
 * each item also says whether it is done yet.
 */
export function Checklist({ evidence, met }: { evidence: Evidence; met?: boolean }) {
  const { t } = useWords();
  if (evidence === null) return <p className="checklist">{t('evidence.none')}</p>;
  return (
    <ul className="checklist">
      <li className={met === undefined ? '' : met ? 'met' : 'missing'}>
        <span>{t(`evidence.${evidence}`)}</span>
        {met !== undefined && (
          <span className="check-state"> — {met ? t('evidence.done') : t('evidence.todo')}</span>
        )}
      </li>
    </ul>
  );
}
