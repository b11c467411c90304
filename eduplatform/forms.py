"""Glue between service refusals and WTForms."""


def apply_errors(form, refused):
    """Show each of the service's field errors next to its field (or at the form's top)."""
    for error in refused.errors:
        field = getattr(form, error.get("field") or "", None)
        if field is not None and hasattr(field, "errors"):
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors.append(error["message"])
        else:
            form.form_errors.append(error["message"])


def choices_with_blank(pairs, blank=""):
    return [("", blank), *pairs]
