"""Read a rendered HTML form back into the data a browser would post."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_multiple = False
        self._textarea: str | None = None
        self._option_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get"),
                          "data": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        data = self._form["data"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    data.setdefault(name, []).append(a.get("value", "y"))
            elif kind not in ("submit", "button", "image", "file"):
                data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_multiple = name, "multiple" in a
            data.setdefault(name, [] if self._select_multiple else "")
        elif tag == "option" and self._select:
            self._option_value = a.get("value")
            if "selected" in a:
                if self._select_multiple:
                    data[self._select].append(a.get("value", ""))
                else:
                    data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, text):
        if self._form is not None and self._textarea:
            self._form["data"][self._textarea] += text


def form_data(html: str, action_contains: str = "") -> dict:
    """The data of the first POST form whose action contains ``action_contains``.

    Checkbox and radio values come back as lists (one item when single).
    """
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"].lower() == "post" and action_contains in form["action"] \
                and "csrf_token" in form["data"] \
                and (len(form["data"]) > 1 or action_contains) \
                and form["action"] not in ("/taal", "/auth/logout", "/admin/werkruimte/"):
            data = dict(form["data"])
            return {k: (v[0] if isinstance(v, list) and len(v) == 1 and k != "formats" else v)
                    for k, v in data.items()}
    raise AssertionError(f"no POST form with action containing {action_contains!r}")
