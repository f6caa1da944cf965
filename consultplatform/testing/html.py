"""Reading the forms of a page in tests, as a browser would send them."""

from __future__ import annotations

from html.parser import HTMLParser


class FormParser(HTMLParser):
    """The fields of each <form> of a page: (name, value, type) in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append({"attrs": a, "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append({"name": a["name"], "value": a.get("value", ""), "type": kind})
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "values": [], "first": None,
                            "multiple": "multiple" in a}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["values"].append(value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"name": a["name"], "value": "", "type": "textarea"}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "select" and self._select is not None:
            s, self._select = self._select, None
            values = s["values"] or ([] if s["multiple"] else [s["first"] or ""])
            for value in values:
                fields.append({"name": s["name"], "value": value, "type": "select"})
        elif tag == "textarea" and self._textarea is not None:
            value = self._textarea["value"]
            self._textarea["value"] = value[1:] if value.startswith("\n") else value
            fields.append(self._textarea)
            self._textarea = None


def admin_form(html: str) -> list[dict]:
    """The fields of the page's main admin form (Flask-Admin's ``admin-form``)."""
    parser = FormParser()
    parser.feed(html)
    forms = [f for f in parser.forms if "admin-form" in f["attrs"].get("class", "")]
    assert forms, "no admin form on the page"
    return forms[0]["fields"]
