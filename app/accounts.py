"""People and roles: accounts with salted, slow password hashes, kept in the data directory.

Roles, from least to most:

- `reader`: public papers only (as anyone not logged in, where public reading is on);
- `member`: restricted (exempt) papers too;
- `officer`: restricted papers too, and may upload, fetch and mark papers restricted.

Passwords are hashed with scrypt (N=2^14, r=8, p=1, a random 16-byte salt each) and compared in constant
time; neither a password nor a hash is ever printed or logged. `accounts.json` is written whole (a temporary
file, then a rename) with mode 0600, and read again at each login, so `councilqa users add` takes effect
without restarting `serve`. Each account has an epoch, new with each password and role: the app ends a login
made under another epoch, or whose account is gone (`councilqa.app.gate`). The user name and password from
the environment (`COUNCILQA_UI__USERNAME`, `COUNCILQA_UI__PASSWORD`) stay one officer account, kept in
memory only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from councilqa.datadir import DataDir
from councilqa.errors import CouncilQAError

ROLES = ("reader", "member", "officer")
PUBLIC = "public"  # the role of anyone not logged in: public papers only
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
SHORTEST_PASSWORD = 8
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AccountError(CouncilQAError):
    """An account that can't be added, removed or found, with what to do."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str

    @property
    def sees_restricted(self) -> bool:
        return self.role in ("member", "officer")

    @property
    def is_officer(self) -> bool:
        return self.role == "officer"


ANONYMOUS = Account("", PUBLIC)


class Accounts:
    """The accounts in `data_dir/accounts.json`, and the one from the environment. Example::

    accounts = Accounts(settings.data_dir)
    accounts.add("clerk", "correct horse battery", "officer")
    accounts.verify("clerk", "correct horse battery")  # Account(name='clerk', role='officer')
    """

    def __init__(self, data_dir: Path, env_login: tuple[str, str] | None = None) -> None:
        self.path = DataDir(data_dir).accounts
        self.env_login = env_login
        self._cached: tuple[tuple[int, int, int], dict[str, dict[str, Any]]] | None = None

    def list(self) -> list[Account]:
        """Every account, by name, with its role (never its hash); the environment's officer first."""
        stored = [Account(name, record["role"]) for name, record in sorted(self._read().items())]
        return ([Account(self.env_login[0], "officer")] if self.env_login else []) + stored

    def exist(self) -> bool:
        return bool(self.env_login) or bool(self._read())

    def add(self, name: str, password: str, role: str) -> Account:
        """Add an account, or change an existing one's password and role."""
        if not NAME.match(name) or name == PUBLIC:
            raise AccountError(f"{name!r}: a user name is letters, digits and . _ @ -, at most 64, and not {PUBLIC!r}")
        if role not in ROLES:
            raise AccountError(f"{role!r}: a role is one of {', '.join(ROLES)}")
        if len(password) < SHORTEST_PASSWORD:
            raise AccountError(f"a password has at least {SHORTEST_PASSWORD} characters")
        if self.env_login and name == self.env_login[0]:
            raise AccountError(f"{name!r} is the account set by COUNCILQA_UI__USERNAME; choose another name")
        salt = secrets.token_bytes(16)
        records = self._read()
        records[name] = {
            "role": role,
            "salt": salt.hex(),
            "hash": _hash(password, salt, SCRYPT).hex(),
            "epoch": secrets.token_hex(8),  # new with each password and role: logins made before it end
            **SCRYPT,
        }
        self._write(records)
        return Account(name, role)

    def remove(self, name: str) -> None:
        records = self._read()
        if name not in records:
            raise AccountError(f"{name!r}: no such account (`councilqa users list` shows them)")
        del records[name]
        self._write(records)

    def verify(self, name: str, password: str) -> Account | None:
        """The account when `password` is its password; None otherwise (unknown names take as long)."""
        if self.env_login and hmac.compare_digest(name.encode(), self.env_login[0].encode()):
            return (
                Account(name, "officer") if hmac.compare_digest(password.encode(), self.env_login[1].encode()) else None
            )
        record = self._read().get(name)
        salt = bytes.fromhex(record["salt"]) if record else bytes(16)
        params = {key: record[key] for key in SCRYPT} if record else SCRYPT
        given = _hash(password, salt, params)
        if record is None or not hmac.compare_digest(given, bytes.fromhex(record["hash"])):
            return None
        return Account(name, record["role"])

    def account(self, name: str | None) -> Account:
        """The account a logged-in name is, or `ANONYMOUS` for none (or one removed since logging in)."""
        if not name:
            return ANONYMOUS
        if self.env_login and name == self.env_login[0]:
            return Account(name, "officer")
        record = self._read().get(name)
        return Account(name, record["role"]) if record else ANONYMOUS

    def epoch(self, name: str) -> str | None:
        """What changes whenever the account's password or role does (None once it is removed): a login
        made under another epoch has ended. The environment's officer keeps one for as long as it is set."""
        if self.env_login and name == self.env_login[0]:
            return "environment"
        record = self._read().get(name)
        return str(record.get("epoch", "")) if record else None

    def _read(self) -> dict[str, dict[str, Any]]:
        """The stored accounts, read again only when the file has changed (the app asks on every request)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)  # stated before reading: a change meanwhile rereads
        if self._cached is None or self._cached[0] != key:
            self._cached = key, json.loads(self.path.read_text(encoding="utf-8"))["accounts"]
        return dict(self._cached[1])

    def _write(self, records: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=self.path.parent, prefix=".accounts-", delete=False) as handle:
            os.chmod(handle.name, 0o600)
            json.dump({"format": 1, "accounts": records}, handle, indent=1)
        os.replace(handle.name, self.path)


def _hash(password: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, maxmem=64 * 2**20, dklen=32, **params)
