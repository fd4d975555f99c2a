import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { CasesService } from '../cases/cases.service';
import { type Actor, SERVICE } from '../common/actor';
import { UUID } from '../common/ids';
import { newestFirstCursor, Page, toPage } from '../common/pagination';
import type { Principal } from '../common/principal';
import type { KyselyTransactionalAdapter, SecurityReport } from '../database/database';
import { AppError, notFound } from '../errors/app-error';
import { OutboxRepository } from '../outbox/outbox.repository';
import { RefundsService } from '../refunds/refunds.service';
import {
  FileSecurityReportDto,
  ListSecurityReportsQueryDto,
  ReleaseSecurityReportDto,
} from './dto/security-report-requests.dto';
import { mapSecurityReport, SecurityReportDto } from './dto/security-report.dto';
import { SecurityReportsRepository } from './security-reports.repository';

const cursors = newestFirstCursor(UUID);

/**
 * The stolen wallet: a customer's report, filed once, that opens one URGENT case, files refund
 * requests for the payments they did not make and holds their payouts until an agent releases
 * it. It drives the refunds and the support desk through their services, in one unit of work.
 */
@Injectable()
export class SecurityReportsService {
  constructor(
    private readonly txHost: TransactionHost<KyselyTransactionalAdapter>,
    private readonly reports: SecurityReportsRepository,
    private readonly refunds: RefundsService,
    private readonly cases: CasesService,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * Files a report, or joins the customer's OPEN one (`created: false`): its payments grow by
   * the new ones, each with a refund request. Filings of one customer take their payout-hold
   * lock first, so they run one after the other and a second one finds the first one OPEN.
   */
  file(
    principal: Principal,
    dto: FileSecurityReportDto,
  ): Promise<{ created: boolean; report: SecurityReportDto }> {
    const customerId = this.customerOf(principal, dto);
    return this.txHost.withTransaction(async () => {
      await this.refunds.lockPayoutHolds(customerId);
      const listed = dto.transactionIds ?? [];
      // 404 for any payment that is not theirs, before anything is written.
      const payments = await this.refunds.lockPaymentsOf(customerId, listed);
      const open = await this.reports.lockOpenOf(customerId);
      if (open) {
        const known = new Set(open.transactionIds ?? []);
        const added = listed.filter((id) => !known.has(id));
        const report = added.length > 0 ? await this.reports.addTransactions(open.id, added) : open;
        await this.refunds.fileForSecurityReport(
          principal,
          report.id,
          payments.filter((payment) => added.includes(payment.id)),
        );
        if (report.caseId) {
          await this.cases.addMessage(report.caseId, {
            author: principal,
            body: dto.description,
            details: { kind: 'security-report', transactionIds: added },
          });
        }
        const joined = await this.view(report);
        await this.publish('security-report.updated', joined);
        return { created: false, report: joined };
      }

      const inserted = await this.reports.insert({
        customerId,
        description: dto.description,
        channel: dto.channel ?? (principal.role === 'agent' ? 'HOTLINE' : 'IN_APP_CHAT'),
        transactionIds: listed,
        reportedByRole: principal.role,
        reportedById: principal.id,
      });
      if (!inserted) {
        throw new AppError(
          'CONFLICT',
          'Another report of this customer was filed at the same moment: send this one again ' +
            'to join it.',
        );
      }
      const supportCase = await this.cases.openForSecurityReport({
        securityReportId: inserted.id,
        customerId,
        channel: inserted.channel,
        message: { author: principal, body: dto.description },
      });
      const report = await this.reports.setCase(inserted.id, supportCase.id);
      const ordered = listed.map((id) => payments.find((payment) => payment.id === id)!);
      await this.refunds.fileForSecurityReport(principal, report.id, ordered);
      await this.refunds.placePayoutHold(customerId, report.id);
      const view = await this.view(report);
      await this.publish('security-report.opened', view);
      await this.publish('customer.payout-hold.placed', view);
      return { created: true, report: view };
    });
  }

  async list(
    principal: Principal,
    query: ListSecurityReportsQueryDto,
  ): Promise<Page<SecurityReportDto>> {
    const rows = await this.reports.list(
      { customerId: principal.role === 'customer' ? principal.id : undefined },
      query.limit + 1,
      query.cursor ? cursors.decode(query.cursor) : undefined,
    );
    const refundIds = await this.refunds.idsOfSecurityReports(rows.map((row) => row.id));
    return toPage(rows, query.limit, cursors.encode, (row) =>
      mapSecurityReport(row, refundIds.get(row.id) ?? []),
    );
  }

  async get(principal: Principal, id: string): Promise<SecurityReportDto> {
    return this.view(await this.findVisible(principal, id));
  }

  /** The customer's OPEN report, if any (the customer page). */
  async openOf(customerId: string): Promise<SecurityReportDto | null> {
    const open = await this.reports.findOpenOf(customerId);
    return open ? this.view(open) : null;
  }

  /** An agent ends the hold: the report is RESOLVED; the note goes to its case, internal. */
  release(
    principal: Principal,
    id: string,
    dto: ReleaseSecurityReportDto,
  ): Promise<SecurityReportDto> {
    return this.txHost.withTransaction(async () => {
      const visible = await this.findVisible(principal, id);
      await this.refunds.lockPayoutHolds(visible.customerId);
      const released = await this.reports.resolve(visible.id, principal.id, dto.note);
      if (!released) {
        throw new AppError('INVALID_TRANSITION', 'The report is already resolved.');
      }
      await this.refunds.releasePayoutHold(released.customerId);
      if (released.caseId) {
        await this.cases.addMessage(released.caseId, {
          author: principal,
          body: `Payout hold released: ${dto.note}`,
          internal: true,
        });
      }
      const view = await this.view(released);
      await this.publish('security-report.resolved', view);
      await this.publish('customer.payout-hold.released', view);
      return view;
    });
  }

  /**
   * A payout started before the hold reported its result: the report's case gets an internal
   * note (it already happened; the agent should know).
   */
  async notePayoutWhileHeld(
    securityReportId: string,
    note: { refundId: string; result: string; actor: Actor },
  ): Promise<void> {
    const report = await this.reports.findById(securityReportId);
    if (!report?.caseId) return;
    await this.cases.addMessage(report.caseId, {
      author: SERVICE,
      body:
        `A payout started before the hold reported ${note.result} for refund ${note.refundId} ` +
        `(reported by ${note.actor.role} ${note.actor.id}).`,
      internal: true,
      details: { kind: 'payout-while-held', refundId: note.refundId, result: note.result },
    });
  }

  /** A customer files their own (never naming one); an agent names the customer who called. */
  private customerOf(principal: Principal, dto: FileSecurityReportDto): string {
    if (principal.role === 'customer') {
      if (dto.customerId !== undefined) {
        throw new AppError('VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'customerId',
            message: 'customerId is for agents: a customer reports their own',
          },
        ]);
      }
      return principal.id;
    }
    if (dto.customerId === undefined) {
      throw new AppError('VALIDATION_FAILED', 'The request is invalid.', [
        { field: 'customerId', message: 'customerId is required: the customer who called' },
      ]);
    }
    return dto.customerId;
  }

  private async findVisible(principal: Principal, id: string): Promise<SecurityReport> {
    const report = UUID.test(id) ? await this.reports.findById(id) : undefined;
    if (!report || (principal.role === 'customer' && report.customerId !== principal.id)) {
      throw notFound('Security report');
    }
    return report;
  }

  private async view(report: SecurityReport): Promise<SecurityReportDto> {
    const refundIds = await this.refunds.idsOfSecurityReports([report.id]);
    return mapSecurityReport(report, refundIds.get(report.id) ?? []);
  }

  /** A customer-level event: ordered per customer, with the report as the system reads it. */
  private publish(type: string, report: SecurityReportDto): Promise<void> {
    return this.outbox.record({
      type,
      customerId: report.customerId,
      caseId: report.caseId,
      data: report,
    });
  }
}
