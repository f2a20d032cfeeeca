-- CreateEnum
CREATE TYPE "VServerType" AS ENUM ('loadbalancing', 'contentswitch');

-- AlterTable
ALTER TABLE "vserver" ADD COLUMN     "contentSwitch" JSONB,
ADD COLUMN     "type" "VServerType" NOT NULL DEFAULT 'loadbalancing';
