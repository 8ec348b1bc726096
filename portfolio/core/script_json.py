"""JSON to put inside a <script> element (JSON-LD), safe whatever text it carries."""

import json

from django.utils.safestring import mark_safe

# The escapes of Django's json_script: a string can never close the element it sits in
# (`</script>`) nor open a comment (`<!--`). json_script itself cannot be used: it writes the
# whole element, with type="application/json" where JSON-LD needs "application/ld+json".
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_for_script(data):
    """`data` as JSON safe between <script type="application/ld+json"> tags."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308
