-- AlterEnum
ALTER TYPE "LbMethod" ADD VALUE 'availablecapacity';

-- CreateTable
CREATE TABLE "service_token" (
    "id" SERIAL NOT NULL,
    "serviceId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "service_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service_feedback" (
    "serviceId" INTEGER NOT NULL,
    "weightPercent" INTEGER,
    "maxconn" INTEGER,
    "admin" TEXT NOT NULL DEFAULT 'ready',
    "health" TEXT NOT NULL DEFAULT 'up',
    "reason" TEXT,
    "line" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "service_feedback_pkey" PRIMARY KEY ("serviceId")
);

-- CreateIndex
CREATE UNIQUE INDEX "service_token_name_key" ON "service_token"("name");

-- CreateIndex
CREATE UNIQUE INDEX "service_token_hash_key" ON "service_token"("hash");

-- CreateIndex
CREATE INDEX "service_token_serviceId_idx" ON "service_token"("serviceId");

-- AddForeignKey
ALTER TABLE "service_token" ADD CONSTRAINT "service_token_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_feedback" ADD CONSTRAINT "service_feedback_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "service"("id") ON DELETE CASCADE ON UPDATE CASCADE;
