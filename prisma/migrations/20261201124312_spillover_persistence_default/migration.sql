-- AlterTable
ALTER TABLE "vserver" ALTER COLUMN "spilloverPersistenceTimeoutSeconds" SET DEFAULT 0;
