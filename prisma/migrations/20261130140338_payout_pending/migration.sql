-- AlterEnum: start-payout claims an APPROVED refund before the money moves.
ALTER TYPE "refund_status" ADD VALUE 'PAYOUT_PENDING' AFTER 'APPROVED';
