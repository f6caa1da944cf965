"""``MixinBase``: the base of a mixin that only works combined with another class
(a WTForms field, a Flask-Admin view) and uses that class's attributes. To the type
checker it is ``Any``, so those attributes check; at run time it is ``object``."""

from typing import Any

MixinBase: Any = object
