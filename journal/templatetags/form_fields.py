"""The night form's fields as Bootstrap 5 markup, put together in Python.

    {% load form_fields %} ... {{ form.bedtime|bootstrap_field }}

The morning log shows some 45 fields (the night's, and four cramp cards). Through
crispy-forms' field template and Django's widget templates each one cost about 0.3 ms,
which made the page ten times slower than the login page. This filter writes the same
markup that ``|as_crispy_field`` writes with the bootstrap5 pack (same elements, ids,
classes, ARIA attributes, errors and help text; tests/test_form_fields.py compares
the two field by field), for the widgets the journal's forms use: inputs (text,
number, date, time, hidden), checkboxes, selects and text areas. Radio buttons are
refused; any other widget is rendered by Django as usual.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _attrs(attrs: dict) -> str:
    """Django's attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _widget(bound: BoundField, widget: forms.Widget, auto_id: str, extra: dict) -> str:
    """The widget's HTML, as its Django template would write it."""
    attrs = {**widget.attrs, **extra, **bound.build_widget_attrs({}, widget)}
    if auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        groups = context["optgroups"]
        if any(group for group, _choices, _index in groups):
            return str(bound.as_widget(attrs=extra))  # optgroups: leave them to Django
        options = "".join(
            f'\n  <option value="{conditional_escape(option["value"])}"'
            f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            for _group, choices, _index in groups
            for option in choices
        )
        return f'<select name="{name}"{_attrs(context["attrs"])}>{options}\n</select>'
    if isinstance(widget, forms.Textarea):
        value = context["value"]
        text = conditional_escape(value) if value else ""
        return f'<textarea name="{name}"{_attrs(context["attrs"])}>\n{text}</textarea>'
    if isinstance(widget, Input) and not isinstance(widget, forms.FileInput):
        value = context["value"]
        shown = "" if value is None else f' value="{conditional_escape(value)}"'
        return f'<input type="{context["type"]}" name="{name}"{shown}{_attrs(context["attrs"])}>'
    return str(bound.as_widget(attrs=extra))


def _css_class(widget: forms.Widget, bootstrap: str, errors: list) -> str:
    """crispy's classes: the widget's own, its class name in lower case, Bootstrap's."""
    classes = [*widget.attrs.get("class", "").split(), type(widget).__name__.lower(), bootstrap]
    if errors:
        classes.append("is-invalid")
    return " ".join(dict.fromkeys(classes))  # each once, in order


def _help_and_errors(bound: BoundField, auto_id: str, errors: list) -> str:
    html = ""
    if errors:
        messages = "".join(
            format_html('<p id="error_{}_{}"><strong>{}</strong></p>', n, auto_id, error)
            for n, error in enumerate(errors, 1)
        )
        html = f'<div id="{auto_id}_error" class="invalid-feedback">{messages}</div>'
    if help_text := bound.help_text:
        # Help text is trusted markup, as in crispy's and Django's own templates.
        helptext_id = f'id="{auto_id}_helptext" ' if auto_id else ""
        html += f'<div {helptext_id}class="form-text">{help_text}</div>'
    return html


def _label(bound: BoundField, css: str) -> str:
    if bound.field.required:
        css, asterisk = f"{css} requiredField", '<span class="asteriskField">*</span>'
    else:
        asterisk = ""
    label = conditional_escape(bound.label)
    return f'<label for="{bound.id_for_label}" class="{css}">{label}{asterisk}</label>'


@register.filter
def bootstrap_field(bound: BoundField) -> SafeString:
    """One field with its label, help text and errors, as crispy's bootstrap5 pack.

    Radio buttons and multiple checkboxes are refused: they need a fieldset of their own,
    which this does not write.
    """
    widget = bound.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        raise TypeError(f"bootstrap_field can't render {bound.html_name}'s {type(widget).__name__}")
    auto_id = bound.auto_id
    if widget.is_hidden:
        return mark_safe(_widget(bound, widget, auto_id, {}))
    errors = bound.errors
    if isinstance(widget, forms.CheckboxInput):
        css = _css_class(widget, "form-check-input", errors)
        control = _widget(bound, widget, auto_id, {"class": css})
        return mark_safe(
            f'<div class="mb-3"><div id="div_{auto_id}" class="form-check">{control}'
            f"{_label(bound, 'form-check-label')}{_help_and_errors(bound, auto_id, errors)}"
            "</div></div>"
        )
    css = _css_class(
        widget, "form-select" if isinstance(widget, forms.Select) else "form-control", errors
    )
    control = _widget(bound, widget, auto_id, {"class": css})
    label = _label(bound, "form-label") if bound.label else ""
    return mark_safe(
        f'<div id="div_{auto_id}" class="mb-3">{label}{control}'
        f"{_help_and_errors(bound, auto_id, errors)}</div>"
    )
