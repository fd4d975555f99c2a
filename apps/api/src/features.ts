import type { DynamicModule } from '@nestjs/common';
import { AttachmentsModule } from './attachments/attachments.module';
import { CasesModule } from './cases/cases.module';
import { EventsModule } from './events/events.module';
import { MacrosModule } from './macros/macros.module';
import { RefundsModule } from './refunds/refunds.module';
import { SecurityReportsModule } from './security-reports/security-reports.module';
import { SupportModule } from './support/support.module';
import { TransactionsModule } from './transactions/transactions.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WorkspaceModule } from './workspace/workspace.module';

/** The product's feature modules, each a folder beside this file. */
export const FEATURE_MODULES: NonNullable<DynamicModule['imports']> = [
  SupportModule,
  RefundsModule,
  AttachmentsModule,
  CasesModule,
  MacrosModule,
  SecurityReportsModule,
  TransactionsModule,
  EventsModule,
  WebhooksModule,
  WorkspaceModule,
];
