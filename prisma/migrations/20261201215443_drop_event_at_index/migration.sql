-- DropIndex
DROP INDEX "event_at_idx";
