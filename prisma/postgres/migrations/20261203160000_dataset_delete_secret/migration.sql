-- The uploader of a dataset gets a secret that lets them delete it (issue 11 item 6); only its hash is stored.
-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN "deleteSecretHash" TEXT;
