import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { RefundsModule } from '../refunds/refunds.module';
import { SecurityReportsModule } from '../security-reports/security-reports.module';
import { TransactionsModule } from '../transactions/transactions.module';
import { WorkspaceController } from './workspace.controller';
import { WorkspaceService } from './workspace.service';

/** The agent's workspace: search and the customer page, over the features' services. */
@Module({
  imports: [CasesModule, RefundsModule, SecurityReportsModule, TransactionsModule],
  controllers: [WorkspaceController],
  providers: [WorkspaceService],
})
export class WorkspaceModule {}
