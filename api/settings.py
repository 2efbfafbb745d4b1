"""Where the hotline keeps its database and files: one rule, shared by the server and every command.

Without it each command used ``./hotline.db`` relative to wherever it was typed, so a command run from
another folder quietly made a new, empty database. Now everything is found from the *instance folder*:

1. ``HOTLINE_HOME``, when set;
2. else, in a source checkout (where ``make serve`` runs), the checkout's ``var/`` folder;
3. else the user's data folder: ``$XDG_DATA_HOME/hotline`` (``~/.local/share/hotline``).

The folder holds the default SQLite database ``hotline.db``, the scheduled reports (``reports/``) and,
optionally, ``hotline.toml``::

    database_url = "postgresql+psycopg://hotline@db.example/hotline"
    reports_dir = "/srv/hotline/reports"        # relative paths are relative to the instance folder
    departments = "departments.json"

Environment variables override the file (``HOTLINE_DATABASE_URL``, ``HOTLINE_REPORTS_DIR``,
``HOTLINE_DEPARTMENTS``) and ``--database-url`` overrides both. Only the standard library is imported here:
every command, ``--help`` included, reads these settings first.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "hotline.toml"
CHECKOUT = Path(__file__).resolve().parent.parent
KEYS = {"database_url": "HOTLINE_DATABASE_URL", "reports_dir": "HOTLINE_REPORTS_DIR",
        "departments": "HOTLINE_DEPARTMENTS"}


class SettingsError(ValueError):
    """The configuration file cannot be read or names a setting that does not exist."""


@dataclass(frozen=True)
class Settings:
    """The instance folder and what every command uses, with where the database URL came from."""

    home: Path
    database_url: str
    database_from: str  # "default", the config file's path, an environment variable or "--database-url"
    reports_dir: Path
    departments: Path | None

    def database_note(self) -> str | None:
        """A line naming the database when it comes from the environment or the file, which the command line
        does not show (None for the default file, or a URL typed with ``--database-url``)."""
        if self.database_from in ("default", "--database-url"):
            return None
        return f"database: {hide_password(self.database_url)} (from {self.database_from})"


def instance_folder() -> Path:
    """The instance folder by the fixed rule above (not created here)."""
    if os.environ.get("HOTLINE_HOME"):
        return Path(os.environ["HOTLINE_HOME"]).expanduser().resolve()
    if (CHECKOUT / "setup.cfg").is_file() and (CHECKOUT / "bpmn").is_dir():
        return CHECKOUT / "var"
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "hotline"


def cache_folder() -> Path:
    """Where the hotline keeps what it can build again (the demo's schema template): never the instance folder."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hotline"


def load(database_url: str | None = None) -> Settings:
    """The settings for this run: ``database_url`` (from ``--database-url``) first, then the environment,
    then ``hotline.toml`` in the instance folder, then the defaults.

    Relative paths in the file are relative to the instance folder; those typed (the environment,
    ``--database-url``) to the current folder, as in any command. Either way they are made absolute here."""
    home = instance_folder()
    found = {key: (value, str(home / CONFIG_FILE), home) for key, value in _config_file(home).items()}
    found |= {key: (os.environ[name], name, Path.cwd()) for key, name in KEYS.items() if os.environ.get(name)}
    if database_url:
        found["database_url"] = (database_url, "--database-url", Path.cwd())
    url, url_from, base = found.get("database_url", ("sqlite:///hotline.db", "default", home))
    reports, _, reports_base = found.get("reports_dir", ("reports", "default", home))
    departments, _, departments_base = found.get("departments", (None, "default", home))
    return Settings(home, absolute_sqlite(url, base), url_from, reports_base / Path(reports).expanduser(),
                    departments_base / Path(departments).expanduser() if departments else None)


def absolute_sqlite(url: str, base: Path) -> str:
    """An SQLite URL with a relative file made absolute against ``base`` (other URLs unchanged)."""
    prefix, separator, path = url.partition(":///")
    if not separator or not prefix.startswith("sqlite") or not path or path.startswith(("/", ":memory:", "file:")):
        return url
    return f"{prefix}:///{base / path}"


def _config_file(home: Path) -> dict[str, str]:
    """The settings in ``hotline.toml`` (none when there is no file); unknown keys are refused, not ignored."""
    path = home / CONFIG_FILE
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise SettingsError(f"cannot read {path}: {err}") from None
    unknown = sorted(set(document) - set(KEYS))
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(KEYS)})")
    wrong = sorted(key for key, value in document.items() if not isinstance(value, str))
    if wrong:
        raise SettingsError(f"{path}: {', '.join(wrong)} must be text in quotes")
    return document


def hide_password(url: str) -> str:
    """A database URL fit to print: any password replaced by ``***``."""
    scheme, separator, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
