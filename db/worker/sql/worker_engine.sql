-- drop: DROP FUNCTION IF EXISTS worker_status(text[]); DROP FUNCTION IF EXISTS job_status(bigint); DROP FUNCTION IF EXISTS job_defer(text, jsonb, text);
-- drop: DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, procrastinate_workers CASCADE;
-- drop: DO $$ DECLARE f regprocedure; BEGIN FOR f IN SELECT p.oid::regprocedure FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'procrastinate\_%' LOOP EXECUTE format('DROP FUNCTION %s', f); END LOOP; END; $$;
-- drop: DROP TYPE IF EXISTS procrastinate_job_to_defer_v1; DROP TYPE IF EXISTS procrastinate_job_event_type; DROP TYPE IF EXISTS procrastinate_job_status;
-- drop: REVOKE ALL ON FUNCTION refresh_materialized_views(), archive_old_interventions(), notify_late_interventions(), send_slot_reminders(interval), app_current_role(), app_active_user_id() FROM mif_worker;
-- The job engine (procrastinate, its own schema SQL loaded just before this file) handed to
-- the worker role, and the only doors the application roles have into it.

-- The worker owns the engine's tables (and their sequences): it bypasses their row-level
-- security, enabled by db.access like on every table, whose matrix gives the app roles nothing.
-- ALTER ... OWNER needs the new owner to hold CREATE on the schema (unless a superuser runs
-- it): granted for the moment, revoked at the end of this file.
GRANT CREATE ON SCHEMA public TO mif_worker;
ALTER TABLE procrastinate_workers OWNER TO mif_worker;
ALTER TABLE procrastinate_jobs OWNER TO mif_worker;
ALTER TABLE procrastinate_periodic_defers OWNER TO mif_worker;
ALTER TABLE procrastinate_events OWNER TO mif_worker;

-- procrastinate's functions run as their caller (SECURITY INVOKER): the worker's.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'procrastinate\_%'
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO mif_worker', f);
    END LOOP;
END;
$$;

-- The maintenance functions (SECURITY DEFINER, owner-only for the app roles).
GRANT EXECUTE ON FUNCTION refresh_materialized_views(), archive_old_interventions(),
    notify_late_interventions(), send_slot_reminders(interval) TO mif_worker;
-- Who is acting, for the gates of job_defer / job_status / worker_status (run as the worker).
GRANT EXECUTE ON FUNCTION app_current_role(), app_active_user_id() TO mif_worker;

-- The status page reads the last job of each task: an index range per task, not a scan of
-- the job table (which the nightly clean-up keeps short anyway).
CREATE INDEX idx_procrastinate_jobs_task_name_id ON procrastinate_jobs (task_name, id DESC);
ALTER INDEX idx_procrastinate_jobs_task_name_id OWNER TO mif_worker;

-- Defer a job for a task, on behalf of the acting user (any application role). Runs as the
-- worker (it owns the function) and inserts through procrastinate's own function, so the job
-- is a job like any other; a queueing lock already waiting is refused (unique index) with a
-- named constraint. The app roles have no other right on the engine's tables.
-- Bounded whatever the app asks: without a lock of its own a job is locked per task and user
-- (one waiting at a time: a second click is « déjà en attente »), and past MAX_WAITING jobs
-- waiting the queue refuses more (a flood cannot bury the periodic work).
CREATE FUNCTION job_defer(p_task_name text, p_args jsonb DEFAULT '{}', p_queueing_lock text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_id bigint;
    v_user integer := app_active_user_id();
BEGIN
    IF v_user IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'tache_sans_utilisateur',
            MESSAGE = 'Aucun utilisateur connecté.';
    END IF;
    IF p_task_name IS NULL OR p_task_name !~ '^[a-z_][a-z0-9_.:]{0,127}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'tache_inconnue',
            MESSAGE = 'Tâche inconnue.';
    END IF;
    IF p_args IS NULL OR jsonb_typeof(p_args) <> 'object' OR length(p_args::text) > 10000 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'tache_arguments',
            MESSAGE = 'Arguments de tâche invalides.';
    END IF;
    -- MAX_WAITING = 10000: a LIMITed range of the engine's partial index on waiting jobs.
    IF (SELECT count(*) FROM (SELECT 1 FROM procrastinate_jobs WHERE status = 'todo'
                               LIMIT 10000) w) >= 10000 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'tache_file_pleine',
            MESSAGE = 'La file des tâches est pleine : réessayez dans quelques minutes.';
    END IF;
    BEGIN
        SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(
                   'default', p_task_name, 0, NULL,
                   COALESCE(left(p_queueing_lock, 200), p_task_name || '#user' || v_user), p_args,
                   NULL::timestamptz)]::procrastinate_job_to_defer_v1[]))
          INTO v_id;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'tache_deja_en_attente',
            MESSAGE = 'Cette tâche est déjà en attente.';
    END;
    RETURN v_id;
END;
$$;
ALTER FUNCTION job_defer(text, jsonb, text) OWNER TO mif_worker;
REVOKE ALL ON FUNCTION job_defer(text, jsonb, text) FROM PUBLIC;

-- Status of one job by its id (the id job_defer returned): nothing else of the job is read.
CREATE FUNCTION job_status(p_job_id bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT status::text FROM procrastinate_jobs
     WHERE id = p_job_id AND app_active_user_id() IS NOT NULL;
$$;
ALTER FUNCTION job_status(bigint) OWNER TO mif_worker;
REVOKE ALL ON FUNCTION job_status(bigint) FROM PUBLIC;

-- The worker's state for the admin's database status page, as one JSON document: workers
-- alive (heartbeat within 60 s, the engine's own stalled-worker limit is 30 s by default),
-- the last job and the last success of each task named, jobs waiting and failed (capped:
-- a count the page shows, never a scan of an unbounded table).
CREATE FUNCTION worker_status(p_task_names text[]) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_result jsonb;
BEGIN
    IF app_current_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'admin_seulement',
            MESSAGE = 'Réservé aux administrateurs.';
    END IF;
    SELECT jsonb_build_object(
        'now', now(),
        'workers_alive', (SELECT count(*) FROM procrastinate_workers
                           WHERE last_heartbeat > now() - interval '60 seconds'),
        'last_heartbeat', (SELECT max(last_heartbeat) FROM procrastinate_workers),
        'waiting', (SELECT count(*) FROM (SELECT 1 FROM procrastinate_jobs
                     WHERE status = 'todo' LIMIT 10000) w),
        'running', (SELECT count(*) FROM (SELECT 1 FROM procrastinate_jobs
                     WHERE status = 'doing' LIMIT 10000) r),
        'failed', (SELECT count(*) FROM (SELECT 1 FROM procrastinate_jobs
                    WHERE status = 'failed' LIMIT 10000) f),
        'tasks', COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
                       'task', t.name,
                       'last_status', last_job.status,
                       'last_at', (SELECT max(e.at) FROM procrastinate_events e
                                    WHERE e.job_id = last_job.id),
                       'last_success_at', (SELECT max(e.at) FROM procrastinate_events e
                                            WHERE e.job_id = last_ok.id
                                              AND e.type = 'succeeded'))
                   ORDER BY t.ord)
              FROM unnest(p_task_names) WITH ORDINALITY AS t(name, ord)
              LEFT JOIN LATERAL (SELECT j.id, j.status::text AS status FROM procrastinate_jobs j
                                  WHERE j.task_name = t.name
                                  ORDER BY j.id DESC LIMIT 1) last_job ON true
              LEFT JOIN LATERAL (SELECT j.id FROM procrastinate_jobs j
                                  WHERE j.task_name = t.name AND j.status = 'succeeded'
                                  ORDER BY j.id DESC LIMIT 1) last_ok ON true), '[]'))
      INTO v_result;
    RETURN v_result;
END;
$$;
ALTER FUNCTION worker_status(text[]) OWNER TO mif_worker;
REVOKE ALL ON FUNCTION worker_status(text[]) FROM PUBLIC;

-- The worker creates nothing: its temporary CREATE right ends here.
REVOKE CREATE ON SCHEMA public FROM mif_worker;
