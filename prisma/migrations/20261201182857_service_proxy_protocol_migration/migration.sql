-- CreateEnum
CREATE TYPE "ProxyProtocol" AS ENUM ('none', 'v2');

-- AlterTable
ALTER TABLE "service" ADD COLUMN     "migrationPort" INTEGER,
ADD COLUMN     "migrationSecret" TEXT,
ADD COLUMN     "proxyProtocol" "ProxyProtocol" NOT NULL DEFAULT 'none';
