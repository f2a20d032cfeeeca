-- AlterTable
ALTER TABLE "service" ADD COLUMN     "maintenance" JSONB;

-- AlterTable
ALTER TABLE "vserver" ADD COLUMN     "maintenance" JSONB;
