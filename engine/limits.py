"""Every bound a diagram, form or request must respect, in one place (the README lists them with their values).

Designers are trusted to design, not to consume the machine: whatever a deployment carries, one step of
one case stays small in memory and short in time, so no designer and no client can stop other cases.
Each bound is checked at deploy where the value is written in the file, and at run time otherwise.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# -- values an expression, script or DMN cell may build ----------------------------------------------
MAX_STRING_CHARS = 100_000  # a string (also what ``str()``, ``%`` and f-strings produce)
MAX_COLLECTION_ITEMS = 10_000  # a list, tuple, set or dict
MAX_INT_BITS = 4096  # an integer (about 1,200 decimal digits)
MAX_VALUE_CHARS = 1_000_000  # a whole value written out, everything nested in it counted (a list of strings...)
MAX_EXPRESSION_CHARS = 4000
MAX_SCRIPT_STATEMENTS = 200

# -- time ------------------------------------------------------------------------------------------
STEP_SECONDS = 2.0  # CPU time of one command's run of the diagram (scripts, conditions, engine steps)
STEP_WALL_FACTOR = 5  # and real time, however busy the machine: a step that waits is stopped at 5 × its budget

# -- timers ----------------------------------------------------------------------------------------
TIMER_HORIZON = timedelta(days=3660)  # a duration, or a date, at most about ten years ahead
MIN_CYCLE_INTERVAL = timedelta(minutes=1)
MAX_CYCLE_REPETITIONS = 1000  # and a cycle must give its count (``R5/P1D``, never ``R/P1D``)

# -- versions ------------------------------------------------------------------------------------------
MAX_VERSION = 1_000_000  # beyond any real history; bigger numbers are refused before reaching the database
MAX_ROW_ID = 2**31 - 1  # ids in paths (an INTEGER column holds no more): bigger ones name no row (404)

# -- multi-instance --------------------------------------------------------------------------------
MAX_CARDINALITY = 100  # instances of one multi-instance activity

# -- moments a request names (list bounds, the simulated clock) --------------------------------------
EARLIEST_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(2200, 1, 1, tzinfo=UTC)

# -- forms and request bodies ------------------------------------------------------------------------
MAX_NESTING = 32  # depth of a form's JSON Schema, of a JSON body and of a value an expression builds
MAX_XML_DEPTH = 64  # depth of a BPMN or DMN element tree

# -- bearer tokens -----------------------------------------------------------------------------------
TOKEN_CACHE_SECONDS = 30.0  # a node trusts a verified token this long; a revocation on another node waits at most this
TOKEN_CACHE_SIZE = 1000  # tokens a node remembers (the least recently used is forgotten first)

# -- memory ------------------------------------------------------------------------------------------
LIVE_CASES = 256  # workflows a node keeps in memory between commands (the least recently used is dropped first)
