-- CreateEnum
CREATE TYPE "Protocol" AS ENUM ('tcp', 'http');

-- CreateEnum
CREATE TYPE "ServiceState" AS ENUM ('enabled', 'disabled', 'maintenance');

-- CreateEnum
CREATE TYPE "LbMethod" AS ENUM ('roundrobin', 'leastconn', 'weighted');

-- CreateEnum
CREATE TYPE "PersistenceType" AS ENUM ('none', 'sourceip', 'cookie');

-- CreateEnum
CREATE TYPE "SpilloverMethodType" AS ENUM ('connection', 'dynamicconnection', 'bandwidth', 'health');

-- CreateEnum
CREATE TYPE "BandwidthDirection" AS ENUM ('in', 'out', 'both');

-- CreateEnum
CREATE TYPE "SpilloverCombine" AS ENUM ('any', 'all');

-- CreateEnum
CREATE TYPE "SpilloverAction" AS ENUM ('redirect', 'drop', 'accept');

-- CreateEnum
CREATE TYPE "MonitorType" AS ENUM ('tcp', 'http', 'https', 'udp-echo', 'dns');

-- CreateEnum
CREATE TYPE "TokenRole" AS ENUM ('admin', 'reader');

-- CreateEnum
CREATE TYPE "AgentStatus" AS ENUM ('connected', 'disconnected');

-- CreateTable
CREATE TABLE "service" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "protocol" "Protocol" NOT NULL DEFAULT 'tcp',
    "capacity" INTEGER NOT NULL DEFAULT 0,
    "weight" INTEGER NOT NULL DEFAULT 1,
    "state" "ServiceState" NOT NULL DEFAULT 'enabled',
    "monitorThreshold" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monitor" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "type" "MonitorType" NOT NULL,
    "intervalMs" INTEGER NOT NULL DEFAULT 5000,
    "timeoutMs" INTEGER NOT NULL DEFAULT 2000,
    "fall" INTEGER NOT NULL DEFAULT 3,
    "rise" INTEGER NOT NULL DEFAULT 1,
    "weight" INTEGER NOT NULL DEFAULT 1,
    "httpMethod" TEXT,
    "httpPath" TEXT,
    "httpHost" TEXT,
    "expectStatus" INTEGER[],
    "expectBody" TEXT,
    "udpSend" TEXT,
    "udpExpect" TEXT,
    "dnsQuery" TEXT,
    "dnsRecordType" TEXT,
    "responseTimeMaxMs" INTEGER,
    "responseTimeMaxOverAverage" DOUBLE PRECISION,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "monitor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service_monitor" (
    "serviceId" INTEGER NOT NULL,
    "monitorId" INTEGER NOT NULL,
    "weight" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "service_monitor_pkey" PRIMARY KEY ("serviceId","monitorId")
);

-- CreateTable
CREATE TABLE "vserver" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "listenPort" INTEGER,
    "lbMethod" "LbMethod" NOT NULL DEFAULT 'roundrobin',
    "persistenceType" "PersistenceType" NOT NULL DEFAULT 'none',
    "persistenceTimeoutSeconds" INTEGER NOT NULL DEFAULT 120,
    "spilloverCombine" "SpilloverCombine" NOT NULL DEFAULT 'any',
    "spilloverAction" "SpilloverAction" NOT NULL DEFAULT 'accept',
    "redirectUrl" TEXT,
    "spilloverPersistenceTimeoutSeconds" INTEGER NOT NULL DEFAULT 120,
    "backupId" INTEGER,
    "surgeQueueLength" INTEGER NOT NULL DEFAULT 0,
    "surgeQueueTimeoutMs" INTEGER NOT NULL DEFAULT 5000,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "vserver_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "spillover_method" (
    "id" SERIAL NOT NULL,
    "vserverId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "type" "SpilloverMethodType" NOT NULL,
    "threshold" INTEGER,
    "thresholdKbps" INTEGER,
    "direction" "BandwidthDirection",
    "thresholdPercent" INTEGER,

    CONSTRAINT "spillover_method_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vserver_service" (
    "vserverId" INTEGER NOT NULL,
    "serviceId" INTEGER NOT NULL,
    "weight" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "vserver_service_pkey" PRIMARY KEY ("vserverId","serviceId")
);

-- CreateTable
CREATE TABLE "agent" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "workers" INTEGER NOT NULL DEFAULT 0,
    "status" "AgentStatus" NOT NULL DEFAULT 'disconnected',
    "lastHeartbeatAt" TIMESTAMP(3),
    "appliedVersion" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_token" (
    "id" SERIAL NOT NULL,
    "agentId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "agent_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "role" "TokenRole" NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quota_lease" (
    "id" SERIAL NOT NULL,
    "vserverId" INTEGER NOT NULL,
    "agentId" INTEGER NOT NULL,
    "exclusive" INTEGER NOT NULL DEFAULT 0,
    "borrowed" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "quota_lease_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "objectKind" TEXT,
    "objectName" TEXT,
    "beforeVersion" INTEGER,
    "afterVersion" INTEGER,
    "data" JSONB,

    CONSTRAINT "event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "config_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "config_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "service_name_key" ON "service"("name");

-- CreateIndex
CREATE UNIQUE INDEX "monitor_name_key" ON "monitor"("name");

-- CreateIndex
CREATE INDEX "service_monitor_monitorId_idx" ON "service_monitor"("monitorId");

-- CreateIndex
CREATE UNIQUE INDEX "vserver_name_key" ON "vserver"("name");

-- CreateIndex
CREATE UNIQUE INDEX "vserver_listenPort_key" ON "vserver"("listenPort");

-- CreateIndex
CREATE INDEX "vserver_backupId_idx" ON "vserver"("backupId");

-- CreateIndex
CREATE UNIQUE INDEX "spillover_method_vserverId_position_key" ON "spillover_method"("vserverId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "spillover_method_vserverId_type_key" ON "spillover_method"("vserverId", "type");

-- CreateIndex
CREATE INDEX "vserver_service_serviceId_idx" ON "vserver_service"("serviceId");

-- CreateIndex
CREATE UNIQUE INDEX "agent_name_key" ON "agent"("name");

-- CreateIndex
CREATE UNIQUE INDEX "agent_token_name_key" ON "agent_token"("name");

-- CreateIndex
CREATE UNIQUE INDEX "agent_token_hash_key" ON "agent_token"("hash");

-- CreateIndex
CREATE INDEX "agent_token_agentId_idx" ON "agent_token"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_name_key" ON "api_token"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_hash_key" ON "api_token"("hash");

-- CreateIndex
CREATE INDEX "quota_lease_agentId_idx" ON "quota_lease"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "quota_lease_vserverId_agentId_key" ON "quota_lease"("vserverId", "agentId");

-- CreateIndex
CREATE INDEX "event_at_idx" ON "event"("at");

-- CreateIndex
CREATE INDEX "event_kind_id_idx" ON "event"("kind", "id");

-- CreateIndex
CREATE INDEX "event_objectKind_objectName_id_idx" ON "event"("objectKind", "objectName", "id");

-- AddForeignKey
ALTER TABLE "service_monitor" ADD CONSTRAINT "service_monitor_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_monitor" ADD CONSTRAINT "service_monitor_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "monitor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vserver" ADD CONSTRAINT "vserver_backupId_fkey" FOREIGN KEY ("backupId") REFERENCES "vserver"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spillover_method" ADD CONSTRAINT "spillover_method_vserverId_fkey" FOREIGN KEY ("vserverId") REFERENCES "vserver"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vserver_service" ADD CONSTRAINT "vserver_service_vserverId_fkey" FOREIGN KEY ("vserverId") REFERENCES "vserver"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vserver_service" ADD CONSTRAINT "vserver_service_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_token" ADD CONSTRAINT "agent_token_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quota_lease" ADD CONSTRAINT "quota_lease_vserverId_fkey" FOREIGN KEY ("vserverId") REFERENCES "vserver"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quota_lease" ADD CONSTRAINT "quota_lease_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Seed: the single row that holds the global config version.
INSERT INTO "config_version" ("id", "version", "updatedAt") VALUES (1, 0, CURRENT_TIMESTAMP);
