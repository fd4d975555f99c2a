import { Injectable } from '@nestjs/common';
import { CasesService } from '../cases/cases.service';
import type { Principal } from '../common/principal';
import { notFound } from '../errors/app-error';
import { RefundsService } from '../refunds/refunds.service';
import { SecurityReportsService } from '../security-reports/security-reports.service';
import { TransactionsService } from '../transactions/transactions.service';
import { CustomerOverviewDto, SearchResultDto } from './dto/workspace.dto';

/** At most this many of each kind in a search answer. */
export const SEARCH_LIMIT = 20;
/** At most this many of each kind on the customer's page. */
export const CUSTOMER_PAGE_LIMIT = 100;
/** An id prefix shorter than this would match too much to be meant. */
export const MIN_ID_PREFIX = 8;
/** A search's description words beyond this many are ignored. */
const MAX_WORDS = 8;

const UUID_PREFIX = /^[0-9a-f-]+$/;
/** What a token's subject may be (as registered payments' customer ids are). */
const PRINCIPAL_ID = /^[^\p{Cc}]{1,128}$/u;

/**
 * The agent's workspace: one search over cases, refunds, payments, customers and merchants, and
 * everything about one customer on one page. It reads through the features' own services.
 */
@Injectable()
export class WorkspaceService {
  constructor(
    private readonly cases: CasesService,
    private readonly refunds: RefundsService,
    private readonly payments: TransactionsService,
    private readonly securityReports: SecurityReportsService,
  ) {}

  async search(principal: Principal, raw: string): Promise<SearchResultDto> {
    const q = raw.trim();
    const lower = q.toLowerCase();
    // Case and refund ids are UUIDs: a prefix of another shape names none of them.
    const uuidPrefix =
      lower.length >= MIN_ID_PREFIX && UUID_PREFIX.test(lower) && lower.length <= 36
        ? lower
        : undefined;
    const words = q
      .split(/\s+/)
      .filter((word) => word.length > 0)
      .slice(0, MAX_WORDS);
    const [cases, refunds, payments, ofCustomer, ofMerchant] = await Promise.all([
      uuidPrefix ? this.cases.find({ idPrefix: uuidPrefix }, SEARCH_LIMIT) : [],
      uuidPrefix ? this.refunds.find(principal, { idPrefix: uuidPrefix }, SEARCH_LIMIT) : [],
      q.length === 0
        ? []
        : this.payments.search(
            {
              id: q,
              idPrefix: q.length >= MIN_ID_PREFIX ? q : undefined,
              descriptionWords: words,
            },
            SEARCH_LIMIT,
          ),
      q.length === 0 ? [] : this.payments.listOf({ customerId: q }, 1),
      q.length === 0 ? [] : this.payments.listOf({ merchantId: q }, 1),
    ]);
    return {
      cases,
      refunds,
      payments,
      customers: ofCustomer.length ? [{ id: q }] : [],
      merchants: ofMerchant.length ? [{ id: q }] : [],
    };
  }

  /** The customer at a glance: 404 when nothing is known of them. */
  async customer(principal: Principal, id: string): Promise<CustomerOverviewDto> {
    // An id no principal could have names no customer: no need to ask the database.
    if (!PRINCIPAL_ID.test(id)) throw notFound('Customer');
    const [payments, refunds, cases, securityReport, hold] = await Promise.all([
      this.payments.listOf({ customerId: id }, CUSTOMER_PAGE_LIMIT),
      this.refunds.find(principal, { customerId: id }, CUSTOMER_PAGE_LIMIT),
      this.cases.find({ customerId: id }, CUSTOMER_PAGE_LIMIT),
      this.securityReports.openOf(id),
      this.refunds.payoutHoldOf(id),
    ]);
    if (payments.length + refunds.length + cases.length === 0 && !securityReport && !hold) {
      throw notFound('Customer');
    }
    return {
      id,
      payments,
      refunds,
      cases,
      securityReport,
      payoutHold: hold && {
        securityReportId: hold.securityReportId,
        placedAt: hold.placedAt.toISOString(),
      },
    };
  }
}
