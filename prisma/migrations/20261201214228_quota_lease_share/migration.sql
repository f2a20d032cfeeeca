-- Words of docs/GLOSSARY.md: a replica row keeps the share of one agent, and the borrowed column
-- was always written 0. A rename, not drop and add: the live rows of other replicas keep their value.
ALTER TABLE "quota_lease" RENAME COLUMN "exclusive" TO "share";

-- AlterTable
ALTER TABLE "quota_lease" DROP COLUMN "borrowed";
