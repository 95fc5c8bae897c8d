from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def table_rows(table) -> SafeString:
    """The ``<tr>`` of an insight table's shown rows: the first cell heads its row,
    each other cell carries its column's header for the phone's card layout, and a
    non-empty cell of the badged column is flagged. Written in Python, not a template:
    the managers' table alone is hundreds of cells."""
    return format_html_join("", "<tr>{}</tr>", ((_cells(table, row),) for row in table.shown))


def _cells(table, row) -> SafeString:
    head, *rest = row
    cells = [format_html('<th scope="row">{}</th>', head)]
    for header, cell in zip(table.headers[1:], rest, strict=False):
        if cell and header == table.badge:
            cells.append(
                format_html(
                    '<td data-label="{}"><span class="badge badge-flag">Flagged</span> {}</td>',
                    header,
                    cell,
                )
            )
        else:
            cells.append(format_html('<td data-label="{}">{}</td>', header, cell))
    return SafeString("".join(cells))
