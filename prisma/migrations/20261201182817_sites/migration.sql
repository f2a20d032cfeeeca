-- AlterTable
ALTER TABLE "service" ADD COLUMN     "site" TEXT;

-- AlterTable
ALTER TABLE "vserver" ADD COLUMN     "siteBalancing" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "site" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "exchangeIntervalMs" INTEGER NOT NULL DEFAULT 1000,
    "peerUrl" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "site_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "site_name_key" ON "site"("name");
