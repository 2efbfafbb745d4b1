"""The roles of API users, in one definition light enough for ``hotline users add --help`` to list them."""

ROLES = ("operator", "dispatcher", "department", "supervisor", "leader", "auditor", "designer", "admin")
