-- CreateEnum
CREATE TYPE "Selection" AS ENUM ('local', 'manager');

-- AlterTable
ALTER TABLE "vserver" ADD COLUMN     "selection" "Selection" NOT NULL DEFAULT 'local';

-- CreateTable
CREATE TABLE "selection_entry" (
    "vserver" TEXT NOT NULL,
    "clientKey" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "selection_entry_pkey" PRIMARY KEY ("vserver","clientKey")
);

-- CreateIndex
CREATE INDEX "selection_entry_expiresAt_idx" ON "selection_entry"("expiresAt");
