"""Database-level immutability of payout records, for every region schema.

The functions live in the public schema (created or replaced by each region's migration,
the same text every time) and find the region's tables through TG_TABLE_SCHEMA, quoted
with format('%I'). Triggers are per region table. A refusal raises SQLSTATE 23001
(restrict_violation), which Django surfaces as an IntegrityError.

- An approved payout statement cannot be updated or deleted.
- The lines of an approved statement, and the work logs paid on them, cannot be added,
  changed or removed.
- Commission notices (3条通知), relationship-end notices and transfer records are never
  updated or deleted.
"""

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION public.kado_payouts_statement_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'approved' THEN
        RAISE EXCEPTION 'payout statement % is approved and cannot be changed', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_payouts_approved(p_schema text, p_statement bigint)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_status text;
BEGIN
    EXECUTE format('SELECT status FROM %I.payouts_payoutstatement WHERE id = $1', p_schema)
        INTO v_status USING p_statement;
    RETURN v_status = 'approved';
END
$$;

CREATE OR REPLACE FUNCTION public.kado_payouts_line_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND public.kado_payouts_approved(TG_TABLE_SCHEMA, OLD.statement_id))
       OR (TG_OP <> 'DELETE' AND public.kado_payouts_approved(TG_TABLE_SCHEMA, NEW.statement_id))
    THEN
        RAISE EXCEPTION 'lines of an approved payout statement cannot be changed'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_payouts_line_statement(p_schema text, p_line bigint)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_statement bigint;
BEGIN
    EXECUTE format('SELECT statement_id FROM %I.payouts_payoutline WHERE id = $1', p_schema)
        INTO v_statement USING p_line;
    RETURN v_statement;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_payouts_worklog_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND public.kado_payouts_approved(
            TG_TABLE_SCHEMA, public.kado_payouts_line_statement(TG_TABLE_SCHEMA, OLD.line_id)))
       OR (TG_OP <> 'DELETE' AND public.kado_payouts_approved(
            TG_TABLE_SCHEMA, public.kado_payouts_line_statement(TG_TABLE_SCHEMA, NEW.line_id)))
    THEN
        RAISE EXCEPTION 'work logs paid on an approved payout statement cannot be changed'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_payouts_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are a record and cannot be changed', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
"""

TRIGGERS = r"""
CREATE TRIGGER payouts_statement_guard
    BEFORE UPDATE OR DELETE ON payouts_payoutstatement
    FOR EACH ROW EXECUTE FUNCTION public.kado_payouts_statement_guard();
CREATE TRIGGER payouts_line_guard
    BEFORE INSERT OR UPDATE OR DELETE ON payouts_payoutline
    FOR EACH ROW EXECUTE FUNCTION public.kado_payouts_line_guard();
CREATE TRIGGER payouts_worklog_guard
    BEFORE INSERT OR UPDATE OR DELETE ON payouts_payoutworklog
    FOR EACH ROW EXECUTE FUNCTION public.kado_payouts_worklog_guard();
CREATE TRIGGER payouts_notice_immutable
    BEFORE UPDATE OR DELETE ON payouts_commissionnotice
    FOR EACH ROW EXECUTE FUNCTION public.kado_payouts_immutable();
CREATE TRIGGER payouts_relationship_end_immutable
    BEFORE UPDATE OR DELETE ON payouts_relationshipend
    FOR EACH ROW EXECUTE FUNCTION public.kado_payouts_immutable();
CREATE TRIGGER payouts_transfer_batch_immutable
    BEFORE UPDATE OR DELETE ON payouts_transferbatch
    FOR EACH ROW EXECUTE FUNCTION public.kado_payouts_immutable();
CREATE TRIGGER payouts_transfer_item_immutable
    BEFORE UPDATE OR DELETE ON payouts_transferitem
    FOR EACH ROW EXECUTE FUNCTION public.kado_payouts_immutable();
"""

DROP_TRIGGERS = r"""
DROP TRIGGER IF EXISTS payouts_statement_guard ON payouts_payoutstatement;
DROP TRIGGER IF EXISTS payouts_line_guard ON payouts_payoutline;
DROP TRIGGER IF EXISTS payouts_worklog_guard ON payouts_payoutworklog;
DROP TRIGGER IF EXISTS payouts_notice_immutable ON payouts_commissionnotice;
DROP TRIGGER IF EXISTS payouts_relationship_end_immutable ON payouts_relationshipend;
DROP TRIGGER IF EXISTS payouts_transfer_batch_immutable ON payouts_transferbatch;
DROP TRIGGER IF EXISTS payouts_transfer_item_immutable ON payouts_transferitem;
"""
