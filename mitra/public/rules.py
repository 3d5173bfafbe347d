"""Who marks records public: the head of the bureau (leadership) and administrators. Reading the public view needs
no sign-in at all (its views are in core.web.PUBLIC_VIEWS)."""

import rules

from mitra.core.rules import is_administrator, is_leadership

rules.add_perm("public.publish", is_administrator | is_leadership)
