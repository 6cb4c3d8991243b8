-- drop: DROP EXTENSION IF EXISTS pg_trgm;
-- Trigram matching, so that ILIKE '%pompe%' is answered by a GIN index instead of reading every
-- machine. pg_trgm is a trusted extension (PostgreSQL 13+): a database owner that is not a
-- superuser may create it, as managed PostgreSQL services allow. Its functions belong to the
-- extension and are not part of the access matrix (the app never calls them: the index serves
-- the plain ILIKE operator).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
