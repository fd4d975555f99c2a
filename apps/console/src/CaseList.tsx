import { formatTime, humanize } from './format';
import { Link, navigate, paths } from './router';
import type { QueueCase } from './types';

/**
 * Cases as rows an agent scans: reason and subject, customer and merchant, the refund's status,
 * the latest activity and whether the customer waits for an answer. The whole row opens the
 * case; its first cell is a real link for the keyboard and for opening in a new tab.
 */
export function CaseList({ cases, caption }: { cases: QueueCase[]; caption: string }) {
  return (
    <table className="queue cases">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Case</th>
          <th scope="col">Customer · merchant</th>
          <th scope="col">Refund</th>
          <th scope="col">Status</th>
          <th scope="col">Last activity</th>
        </tr>
      </thead>
      <tbody>
        {cases.map((supportCase) => (
          <CaseRow key={supportCase.id} supportCase={supportCase} />
        ))}
      </tbody>
    </table>
  );
}

function CaseRow({ supportCase }: { supportCase: QueueCase }) {
  return (
    <tr className="row-link" onClick={(event) => openRow(event, paths.case(supportCase.id))}>
      <td data-label="Case">
        <Link href={paths.case(supportCase.id)}>{humanize(supportCase.reason)}</Link>
        <span className="subject">{supportCase.subject ?? 'No description'}</span>
      </td>
      <td data-label="Parties">
        {supportCase.customerId} · {supportCase.merchantId ?? '—'}
      </td>
      <td data-label="Refund">
        {supportCase.refundStatus ? humanize(supportCase.refundStatus) : '—'}
      </td>
      <td data-label="Status">{humanize(supportCase.status)}</td>
      <td data-label="Last activity">
        {formatTime(supportCase.lastActivityAt)}
        {supportCase.awaitingAgent && <span className="awaiting">Customer replied</span>}
      </td>
    </tr>
  );
}

/** A click anywhere on a row opens it (a click on the row's own link or a selection does not). */
export function openRow(event: React.MouseEvent<HTMLElement>, href: string): void {
  const target = event.target as HTMLElement;
  if (target.closest('a, button, input, select, textarea, label')) return;
  if (window.getSelection()?.toString()) return;
  if (event.ctrlKey || event.metaKey) {
    window.open(href, '_blank', 'noopener');
    return;
  }
  navigate(href);
}
