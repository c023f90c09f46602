"""The SQL that keeps the federation's read model in step with every region.

Functions live in the public schema; each region schema carries statement-level
triggers (installed by a region migration, copied into new regions with the template)
that call them with the ids a statement touched. A bulk insert of 10,000 rows costs one
recomputation, not 10,000. Every function recomputes the affected index rows from the
regional tables rather than applying deltas, so a row is right whatever came before.
Schema names reach SQL only through format('%I'), never by concatenation.
"""

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION public.kado_region_id(p_schema text) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT id FROM public.regions_region WHERE schema_name = p_schema
$$;

CREATE OR REPLACE FUNCTION public.kado_fiscal_year(d date) RETURNS smallint
LANGUAGE sql IMMUTABLE AS $$
    SELECT (EXTRACT(YEAR FROM d) - CASE WHEN EXTRACT(MONTH FROM d) < 4 THEN 1 ELSE 0 END)::smallint
$$;

CREATE OR REPLACE FUNCTION public.kado_index_orders(p_schema text, p_ids bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_region bigint := public.kado_region_id(p_schema);
BEGIN
    IF v_region IS NULL OR p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    EXECUTE format($sql$
        DELETE FROM public.federation_orderindexentry e
         WHERE e.region_id = $1 AND e.order_id = ANY($2)
           AND NOT EXISTS (SELECT 1 FROM %1$I.orders_order o WHERE o.id = e.order_id)
    $sql$, p_schema) USING v_region, p_ids;
    EXECUTE format($sql$
        INSERT INTO public.federation_orderindexentry AS e
            (region_id, order_id, reference, title, client_name, client_kind, category,
             contract_type, status, amount, estimated_minutes, logged_minutes, received_on,
             due_on, fiscal_year, indexed_at)
        SELECT $1, o.id, o.reference, o.title, c.name, c.kind, o.category, o.contract_type,
               o.status, o.amount, o.estimated_minutes,
               COALESCE(logged.minutes, 0), o.received_on, o.due_on,
               public.kado_fiscal_year(o.received_on), now()
          FROM %1$I.orders_order o
          JOIN %1$I.clients_client c ON c.id = o.client_id
          LEFT JOIN (
                SELECT a.order_id, SUM(w.minutes) AS minutes
                  FROM %1$I.orders_worklog w
                  JOIN %1$I.orders_assignment a ON a.id = w.assignment_id
                 WHERE a.order_id = ANY($2)
                 GROUP BY a.order_id
          ) logged ON logged.order_id = o.id
         WHERE o.id = ANY($2)
        ON CONFLICT (region_id, order_id) DO UPDATE SET
            reference = EXCLUDED.reference, title = EXCLUDED.title,
            client_name = EXCLUDED.client_name, client_kind = EXCLUDED.client_kind,
            category = EXCLUDED.category, contract_type = EXCLUDED.contract_type,
            status = EXCLUDED.status, amount = EXCLUDED.amount,
            estimated_minutes = EXCLUDED.estimated_minutes,
            logged_minutes = EXCLUDED.logged_minutes, received_on = EXCLUDED.received_on,
            due_on = EXCLUDED.due_on, fiscal_year = EXCLUDED.fiscal_year,
            indexed_at = EXCLUDED.indexed_at
    $sql$, p_schema) USING v_region, p_ids;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_index_workers(p_schema text, p_ids bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_region bigint := public.kado_region_id(p_schema);
BEGIN
    IF v_region IS NULL OR p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    EXECUTE format($sql$
        DELETE FROM public.federation_workerindexentry e
         WHERE e.region_id = $1 AND e.worker_id = ANY($2)
           AND NOT EXISTS (SELECT 1 FROM %1$I.workforce_worker w WHERE w.id = e.worker_id)
    $sql$, p_schema) USING v_region, p_ids;
    EXECUTE format($sql$
        INSERT INTO public.federation_workerindexentry AS e
            (region_id, worker_id, status, skill_codes, weekly_minutes, joined_on,
             employed_on, returned_on, indexed_at)
        SELECT $1, w.id, w.status,
               ARRAY(SELECT s.code
                       FROM %1$I.workforce_worker_skills ws
                       JOIN %1$I.workforce_skill s ON s.id = ws.skill_id
                      WHERE ws.worker_id = w.id ORDER BY s.code)::varchar(40)[],
               ARRAY(SELECT COALESCE(SUM(av.end_minute - av.start_minute), 0)::int
                       FROM generate_series(0, 6) AS d(weekday)
                       LEFT JOIN %1$I.workforce_availabilitywindow av
                              ON av.worker_id = w.id AND av.weekday = d.weekday
                      GROUP BY d.weekday ORDER BY d.weekday),
               w.joined_on,
               (SELECT MAX(sc.changed_on) FROM %1$I.workforce_workerstatuschange sc
                 WHERE sc.worker_id = w.id AND sc.to_status = 'employed'),
               (SELECT MAX(sc.changed_on) FROM %1$I.workforce_workerstatuschange sc
                 WHERE sc.worker_id = w.id AND sc.to_status = 'returned'),
               now()
          FROM %1$I.workforce_worker w
         WHERE w.id = ANY($2)
        ON CONFLICT (region_id, worker_id) DO UPDATE SET
            status = EXCLUDED.status, skill_codes = EXCLUDED.skill_codes,
            weekly_minutes = EXCLUDED.weekly_minutes, joined_on = EXCLUDED.joined_on,
            employed_on = EXCLUDED.employed_on, returned_on = EXCLUDED.returned_on,
            indexed_at = EXCLUDED.indexed_at
    $sql$, p_schema) USING v_region, p_ids;
    PERFORM public.kado_index_outcomes(p_schema, p_ids);
END
$$;

-- Every move of the given workers to an outcome status (OutcomeKind in models.py), one
-- row per status change: the worker row above keeps only the latest dates, the outcomes
-- report counts these. The first challenge (started) is a worker's first move to active,
-- stored as `started`; coming back to active after returned or left is no new start.
-- employed, social_participation and returned are stored as the status entered. Leaving
-- KADO (left) is not an outcome and has no row. All of a worker's changes are read
-- together, so a move to active dated earlier takes the start with it. One statement:
-- the rows it deletes (changes no longer an outcome) and those it writes never meet.
CREATE OR REPLACE FUNCTION public.kado_index_outcomes(p_schema text, p_ids bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_region bigint := public.kado_region_id(p_schema);
BEGIN
    IF v_region IS NULL OR p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    EXECUTE format($sql$
        WITH moves AS (
            SELECT sc.id AS change_id, sc.worker_id,
                   CASE sc.to_status WHEN 'active' THEN 'started' ELSE sc.to_status END AS kind,
                   sc.changed_on AS happened_on
              FROM %1$I.workforce_workerstatuschange sc
             WHERE sc.worker_id = ANY($2)
               AND (sc.to_status IN ('employed', 'social_participation', 'returned')
                    OR (sc.to_status = 'active'
                        AND NOT EXISTS (
                            SELECT 1 FROM %1$I.workforce_workerstatuschange earlier
                             WHERE earlier.worker_id = sc.worker_id
                               AND earlier.to_status = 'active'
                               AND (earlier.changed_on, earlier.id) < (sc.changed_on, sc.id))))
        ), gone AS (
            DELETE FROM public.federation_outcomeevent e
             WHERE e.region_id = $1 AND e.worker_id = ANY($2)
               AND NOT EXISTS (SELECT 1 FROM moves m WHERE m.change_id = e.change_id)
        )
        INSERT INTO public.federation_outcomeevent AS e
            (region_id, change_id, worker_id, kind, happened_on, fiscal_year)
        SELECT $1, m.change_id, m.worker_id, m.kind, m.happened_on,
               public.kado_fiscal_year(m.happened_on)
          FROM moves m
        ON CONFLICT (region_id, change_id) DO UPDATE SET
            worker_id = EXCLUDED.worker_id, kind = EXCLUDED.kind,
            happened_on = EXCLUDED.happened_on, fiscal_year = EXCLUDED.fiscal_year
          WHERE (e.worker_id, e.kind, e.happened_on, e.fiscal_year)
                IS DISTINCT FROM (EXCLUDED.worker_id, EXCLUDED.kind, EXCLUDED.happened_on,
                                  EXCLUDED.fiscal_year)
    $sql$, p_schema) USING v_region, p_ids;
END
$$;

-- Recompute the (worker, month) pairs given as two parallel arrays.
CREATE OR REPLACE FUNCTION public.kado_index_work(p_schema text, p_workers bigint[], p_months date[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_region bigint := public.kado_region_id(p_schema);
BEGIN
    IF v_region IS NULL OR p_workers IS NULL OR cardinality(p_workers) = 0 THEN
        RETURN;
    END IF;
    DELETE FROM public.federation_workminutes m
     USING unnest(p_workers, p_months) AS k(worker_id, month)
     WHERE m.region_id = v_region AND m.worker_id = k.worker_id AND m.month = k.month;
    EXECUTE format($sql$
        INSERT INTO public.federation_workminutes (region_id, worker_id, month, minutes)
        SELECT $1, a.worker_id, date_trunc('month', w.work_date)::date, SUM(w.minutes)
          FROM %1$I.orders_worklog w
          JOIN %1$I.orders_assignment a ON a.id = w.assignment_id
          JOIN (SELECT DISTINCT * FROM unnest($2::bigint[], $3::date[]) AS k(worker_id, month)) k
            ON k.worker_id = a.worker_id AND k.month = date_trunc('month', w.work_date)::date
         GROUP BY a.worker_id, date_trunc('month', w.work_date)::date
    $sql$, p_schema) USING v_region, p_workers, p_months;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_index_rebuild(p_schema text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_region bigint := public.kado_region_id(p_schema);
    v_orders bigint[];
    v_workers bigint[];
    v_pairs_workers bigint[];
    v_pairs_months date[];
BEGIN
    IF v_region IS NULL THEN
        RAISE EXCEPTION 'No region has the schema %', p_schema;
    END IF;
    DELETE FROM public.federation_orderindexentry WHERE region_id = v_region;
    DELETE FROM public.federation_workerindexentry WHERE region_id = v_region;
    DELETE FROM public.federation_workminutes WHERE region_id = v_region;
    DELETE FROM public.federation_outcomeevent WHERE region_id = v_region;
    EXECUTE format('SELECT ARRAY(SELECT id FROM %I.orders_order)', p_schema) INTO v_orders;
    EXECUTE format('SELECT ARRAY(SELECT id FROM %I.workforce_worker)', p_schema) INTO v_workers;
    EXECUTE format($sql$
        SELECT array_agg(worker_id), array_agg(month) FROM (
            SELECT DISTINCT a.worker_id, date_trunc('month', w.work_date)::date AS month
              FROM %1$I.orders_worklog w JOIN %1$I.orders_assignment a ON a.id = w.assignment_id
        ) pairs
    $sql$, p_schema) INTO v_pairs_workers, v_pairs_months;
    PERFORM public.kado_index_orders(p_schema, v_orders);
    PERFORM public.kado_index_workers(p_schema, v_workers);
    PERFORM public.kado_index_work(p_schema, v_pairs_workers, v_pairs_months);
    PERFORM public.kado_index_money_rebuild(p_schema);
END
$$;

-- Trigger functions. TG_ARGV[0] names the column that carries the affected id.
CREATE OR REPLACE FUNCTION public.kado_trg_orders() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_ids bigint[];
    v_rows text := CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END;
BEGIN
    IF TG_ARGV[0] = 'client_id' THEN
        EXECUTE format('SELECT ARRAY(SELECT o.id FROM %I.orders_order o JOIN %s n ON n.id = o.client_id)',
                       TG_TABLE_SCHEMA, v_rows) INTO v_ids;
    ELSE
        EXECUTE format('SELECT ARRAY(SELECT DISTINCT %I FROM %s)', TG_ARGV[0], v_rows) INTO v_ids;
    END IF;
    PERFORM public.kado_index_orders(TG_TABLE_SCHEMA, v_ids);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_trg_workers() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_ids bigint[];
    v_rows text := CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END;
BEGIN
    IF TG_ARGV[0] = 'skill_id' THEN
        EXECUTE format('SELECT ARRAY(SELECT DISTINCT ws.worker_id FROM %I.workforce_worker_skills ws '
                       'JOIN %s n ON n.id = ws.skill_id)', TG_TABLE_SCHEMA, v_rows) INTO v_ids;
    ELSE
        EXECUTE format('SELECT ARRAY(SELECT DISTINCT %I FROM %s)', TG_ARGV[0], v_rows) INTO v_ids;
    END IF;
    PERFORM public.kado_index_workers(TG_TABLE_SCHEMA, v_ids);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_trg_worklogs() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_orders bigint[];
    v_workers bigint[];
    v_months date[];
    v_changed text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT assignment_id, work_date FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT assignment_id, work_date FROM old_rows'
        ELSE 'SELECT assignment_id, work_date FROM new_rows '
             'UNION SELECT assignment_id, work_date FROM old_rows' END;
BEGIN
    EXECUTE format($sql$
        WITH changed AS (%2$s),
             touched AS (SELECT a.order_id, a.worker_id, c.work_date
                           FROM changed c JOIN %1$I.orders_assignment a ON a.id = c.assignment_id)
        SELECT ARRAY(SELECT DISTINCT order_id FROM touched),
               array_agg(worker_id), array_agg(date_trunc('month', work_date)::date)
          FROM touched
    $sql$, TG_TABLE_SCHEMA, v_changed) INTO v_orders, v_workers, v_months;
    PERFORM public.kado_index_orders(TG_TABLE_SCHEMA, v_orders);
    PERFORM public.kado_index_work(TG_TABLE_SCHEMA, v_workers, v_months);
    RETURN NULL;
END
$$;

-- Money: billed and collected per invoice version, paid out per transfer item.
CREATE OR REPLACE FUNCTION public.kado_index_money_invoices(p_schema text, p_ids bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_region bigint := public.kado_region_id(p_schema);
BEGIN
    IF v_region IS NULL OR p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    DELETE FROM public.federation_moneyindexentry
     WHERE region_id = v_region AND kind IN ('billed', 'collected') AND source_id = ANY(p_ids);
    EXECUTE format($sql$
        INSERT INTO public.federation_moneyindexentry
            (region_id, kind, source_id, amount, booked_on, fiscal_year)
        SELECT $1, 'billed', i.id, i.total, i.issued_on, i.fiscal_year
          FROM %1$I.invoicing_invoice i
         WHERE i.id = ANY($2) AND i.kind = 'invoice' AND i.status IN ('issued', 'paid')
        UNION ALL
        SELECT $1, 'collected', i.id, i.total, i.paid_on, public.kado_fiscal_year(i.paid_on)
          FROM %1$I.invoicing_invoice i
         WHERE i.id = ANY($2) AND i.paid_on IS NOT NULL
    $sql$, p_schema) USING v_region, p_ids;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_index_money_transfers(p_schema text, p_ids bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_region bigint := public.kado_region_id(p_schema);
BEGIN
    IF v_region IS NULL OR p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    DELETE FROM public.federation_moneyindexentry
     WHERE region_id = v_region AND kind = 'paid_out' AND source_id = ANY(p_ids);
    EXECUTE format($sql$
        INSERT INTO public.federation_moneyindexentry
            (region_id, kind, source_id, amount, booked_on, fiscal_year)
        SELECT $1, 'paid_out', t.id, t.amount, b.transfer_date,
               public.kado_fiscal_year(b.transfer_date)
          FROM %1$I.payouts_transferitem t
          JOIN %1$I.payouts_transferbatch b ON b.id = t.batch_id
         WHERE t.id = ANY($2)
    $sql$, p_schema) USING v_region, p_ids;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_index_money_rebuild(p_schema text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_region bigint := public.kado_region_id(p_schema);
    v_invoices bigint[];
    v_transfers bigint[];
BEGIN
    DELETE FROM public.federation_moneyindexentry WHERE region_id = v_region;
    IF to_regclass(format('%I.invoicing_invoice', p_schema)) IS NOT NULL THEN
        EXECUTE format('SELECT ARRAY(SELECT id FROM %I.invoicing_invoice)', p_schema)
           INTO v_invoices;
        PERFORM public.kado_index_money_invoices(p_schema, v_invoices);
    END IF;
    IF to_regclass(format('%I.payouts_transferitem', p_schema)) IS NOT NULL THEN
        EXECUTE format('SELECT ARRAY(SELECT id FROM %I.payouts_transferitem)', p_schema)
           INTO v_transfers;
        PERFORM public.kado_index_money_transfers(p_schema, v_transfers);
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_trg_money() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_ids bigint[];
    v_rows text := CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END;
BEGIN
    IF TG_ARGV[0] = 'batch' THEN
        EXECUTE format('SELECT ARRAY(SELECT t.id FROM %I.payouts_transferitem t '
                       'JOIN %s n ON n.id = t.batch_id)', TG_TABLE_SCHEMA, v_rows) INTO v_ids;
    ELSE
        EXECUTE format('SELECT ARRAY(SELECT DISTINCT id FROM %s)', v_rows) INTO v_ids;
    END IF;
    IF TG_ARGV[0] = 'invoice' THEN
        PERFORM public.kado_index_money_invoices(TG_TABLE_SCHEMA, v_ids);
    ELSE
        PERFORM public.kado_index_money_transfers(TG_TABLE_SCHEMA, v_ids);
    END IF;
    RETURN NULL;
END
$$;
"""

# Every region's outcome rows recomputed from its status changes: the migrations that
# add an outcome fill in the moves made before them; the triggers keep them from then on.
OUTCOMES_BACKFILL = r"""
DO $$
DECLARE
    v_schema text;
    v_workers bigint[];
BEGIN
    FOR v_schema IN SELECT schema_name FROM public.regions_region LOOP
        IF to_regclass(format('%I.workforce_workerstatuschange', v_schema)) IS NOT NULL THEN
            EXECUTE format('SELECT ARRAY(SELECT id FROM %I.workforce_worker)', v_schema)
               INTO v_workers;
            PERFORM public.kado_index_outcomes(v_schema, v_workers);
        END IF;
    END LOOP;
END
$$;
"""

DROP_FUNCTIONS = r"""
DROP FUNCTION IF EXISTS public.kado_trg_money();
DROP FUNCTION IF EXISTS public.kado_index_money_rebuild(text);
DROP FUNCTION IF EXISTS public.kado_index_money_transfers(text, bigint[]);
DROP FUNCTION IF EXISTS public.kado_index_money_invoices(text, bigint[]);
DROP FUNCTION IF EXISTS public.kado_trg_worklogs();
DROP FUNCTION IF EXISTS public.kado_trg_workers();
DROP FUNCTION IF EXISTS public.kado_trg_orders();
DROP FUNCTION IF EXISTS public.kado_index_rebuild(text);
DROP FUNCTION IF EXISTS public.kado_index_work(text, bigint[], date[]);
DROP FUNCTION IF EXISTS public.kado_index_workers(text, bigint[]);
DROP FUNCTION IF EXISTS public.kado_index_outcomes(text, bigint[]);
DROP FUNCTION IF EXISTS public.kado_index_orders(text, bigint[]);
DROP FUNCTION IF EXISTS public.kado_fiscal_year(date);
DROP FUNCTION IF EXISTS public.kado_region_id(text);
"""

_ALL_EVENTS = ("INSERT", "UPDATE", "DELETE")

# (table, trigger function, the column holding the affected id, events)
_TRIGGERS = [
    ("orders_order", "kado_trg_orders", "id", ("INSERT", "UPDATE", "DELETE")),
    ("clients_client", "kado_trg_orders", "client_id", ("UPDATE",)),
    ("orders_worklog", "kado_trg_worklogs", "", ("INSERT", "UPDATE", "DELETE")),
    ("workforce_worker", "kado_trg_workers", "id", ("INSERT", "UPDATE", "DELETE")),
    ("workforce_worker_skills", "kado_trg_workers", "worker_id", ("INSERT", "UPDATE", "DELETE")),
    (
        "workforce_availabilitywindow",
        "kado_trg_workers",
        "worker_id",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    (
        "workforce_workerstatuschange",
        "kado_trg_workers",
        "worker_id",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    ("workforce_skill", "kado_trg_workers", "skill_id", ("UPDATE",)),
]


def _trigger_sql(table, function, column, event):
    # PostgreSQL allows transition tables on single-event triggers only: one per event.
    tables = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    name = f"kado_index_{table}_{event.lower()}"
    argument = f"'{column}'" if column else ""
    return (
        f"DROP TRIGGER IF EXISTS {name} ON {table};\n"
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {tables} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION public.{function}({argument});\n"
    )


def _triggers(specs) -> str:
    return "".join(
        _trigger_sql(table, function, column, event)
        for table, function, column, events in specs
        for event in events
    )


def _drop_triggers(specs) -> str:
    return "".join(
        f"DROP TRIGGER IF EXISTS kado_index_{table}_{event.lower()} ON {table};\n"
        for table, _function, _column, events in specs
        for event in events
    )


TRIGGERS = _triggers(_TRIGGERS)
DROP_TRIGGERS = _drop_triggers(_TRIGGERS)

# The money tables belong to apps migrated after orders: each app installs its own.
_INVOICE_TRIGGERS = [("invoicing_invoice", "kado_trg_money", "invoice", _ALL_EVENTS)]
_TRANSFER_TRIGGERS = [
    ("payouts_transferitem", "kado_trg_money", "transfer", _ALL_EVENTS),
    ("payouts_transferbatch", "kado_trg_money", "batch", ("UPDATE",)),
]
INVOICE_TRIGGERS = _triggers(_INVOICE_TRIGGERS)
DROP_INVOICE_TRIGGERS = _drop_triggers(_INVOICE_TRIGGERS)
TRANSFER_TRIGGERS = _triggers(_TRANSFER_TRIGGERS)
DROP_TRANSFER_TRIGGERS = _drop_triggers(_TRANSFER_TRIGGERS)
