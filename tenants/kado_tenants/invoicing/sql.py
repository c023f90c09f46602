"""The database's own guard on issued invoices: whatever writes (the ORM, raw SQL, a
console), an issued invoice's content, lines and tax subtotals cannot be changed or
deleted. Only the status moves forward (issued → paid, issued/paid → superseded), and
the day paid is stamped once. The functions live in `public` and serve every region
schema (they find the invoice table through TG_TABLE_SCHEMA).
"""

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION public.kado_invoice_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    mutable text[] := ARRAY['status', 'paid_on', 'updated_at'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'invoice % v% is issued: it cannot be deleted', OLD.number, OLD.version
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'draft' THEN
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION 'invoice % v% is issued: its content cannot change', OLD.number, OLD.version
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
        (OLD.status = 'issued' AND NEW.status IN ('paid', 'superseded'))
        OR (OLD.status = 'paid' AND NEW.status = 'superseded')
    ) THEN
        RAISE EXCEPTION 'invoice % v%: status cannot go from % to %',
            OLD.number, OLD.version, OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.paid_on IS NOT NULL AND NEW.paid_on IS DISTINCT FROM OLD.paid_on THEN
        RAISE EXCEPTION 'invoice % v%: the day paid is stamped once', OLD.number, OLD.version
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION public.kado_invoice_part_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_status text;
    v_invoice bigint;
BEGIN
    FOREACH v_invoice IN ARRAY CASE TG_OP
        WHEN 'INSERT' THEN ARRAY[NEW.invoice_id]
        WHEN 'DELETE' THEN ARRAY[OLD.invoice_id]
        ELSE ARRAY[OLD.invoice_id, NEW.invoice_id] END
    LOOP
        EXECUTE format('SELECT status FROM %I.invoicing_invoice WHERE id = $1', TG_TABLE_SCHEMA)
            INTO v_status USING v_invoice;
        IF v_status IS NOT NULL AND v_status <> 'draft' THEN
            RAISE EXCEPTION 'invoice % is issued: its % cannot change', v_invoice, TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
"""

TRIGGERS = r"""
DROP TRIGGER IF EXISTS kado_invoice_guard ON invoicing_invoice;
CREATE TRIGGER kado_invoice_guard BEFORE UPDATE OR DELETE ON invoicing_invoice
    FOR EACH ROW EXECUTE FUNCTION public.kado_invoice_guard();
DROP TRIGGER IF EXISTS kado_invoice_line_guard ON invoicing_invoiceline;
CREATE TRIGGER kado_invoice_line_guard BEFORE INSERT OR UPDATE OR DELETE ON invoicing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION public.kado_invoice_part_guard();
DROP TRIGGER IF EXISTS kado_invoice_tax_guard ON invoicing_invoicetaxsubtotal;
CREATE TRIGGER kado_invoice_tax_guard BEFORE INSERT OR UPDATE OR DELETE
    ON invoicing_invoicetaxsubtotal
    FOR EACH ROW EXECUTE FUNCTION public.kado_invoice_part_guard();
"""

DROP_TRIGGERS = r"""
DROP TRIGGER IF EXISTS kado_invoice_guard ON invoicing_invoice;
DROP TRIGGER IF EXISTS kado_invoice_line_guard ON invoicing_invoiceline;
DROP TRIGGER IF EXISTS kado_invoice_tax_guard ON invoicing_invoicetaxsubtotal;
"""
