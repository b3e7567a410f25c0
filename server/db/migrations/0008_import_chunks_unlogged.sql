-- hand-written: uploads and parsed rows (names, ID numbers) are transient working data of an import (issue 13
-- item 3): deleted once the import is committed, failed, discarded or expired. As an UNLOGGED table they are never
-- copied into the write-ahead log, so no WAL segment keeps them after the rows are deleted (and their writes cost
-- no WAL). The price: a crash of the database itself empties the table; the import code then fails such an import
-- as INTERRUPTED ("upload the file again") instead of committing nothing. Unlogged tables are not streamed to a
-- replica either, which never reads them (replicas serve reports and lists only, issue 16).
ALTER TABLE "import_chunks" SET UNLOGGED;
