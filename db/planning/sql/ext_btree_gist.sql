-- drop: DROP EXTENSION IF EXISTS btree_gist;
-- btree_gist lets one GiST index mix an equality on an integer (the technician) with an
-- overlap on a time range: the exclusion constraint of planning_occupations. The extension is
-- trusted, so a database owner that is not superuser may create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;
