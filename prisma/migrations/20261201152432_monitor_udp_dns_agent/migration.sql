-- AlterEnum
BEGIN;
CREATE TYPE "MonitorType_new" AS ENUM ('tcp', 'http', 'https', 'udp', 'dns', 'agent');
ALTER TABLE "monitor" ALTER COLUMN "type" TYPE "MonitorType_new" USING ("type"::text::"MonitorType_new");
ALTER TYPE "MonitorType" RENAME TO "MonitorType_old";
ALTER TYPE "MonitorType_new" RENAME TO "MonitorType";
DROP TYPE "public"."MonitorType_old";
COMMIT;

-- AlterTable
ALTER TABLE "monitor" ADD COLUMN     "agentPort" INTEGER,
ADD COLUMN     "agentSend" TEXT,
ADD COLUMN     "dnsExpectAddress" TEXT;
