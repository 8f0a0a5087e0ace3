"""Accounts: salted scrypt hashes in the data directory, roles, and the `users` command."""

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from councilqa.app.accounts import ANONYMOUS, AccountError, Accounts


def test_passwords_are_hashed_salted_and_checked(tmp_path: Path):
    accounts = Accounts(tmp_path)
    accounts.add("clerk", "correct horse battery", "officer")
    accounts.add("cllr.jones", "correct horse battery", "member")
    stored = (tmp_path / "accounts.json").read_text()
    assert "correct horse" not in stored
    records = json.loads(stored)["accounts"]
    assert records["clerk"]["salt"] != records["cllr.jones"]["salt"]  # the same password, two hashes
    assert records["clerk"]["hash"] != records["cllr.jones"]["hash"] and records["clerk"]["n"] == 2**14
    assert stat.S_IMODE((tmp_path / "accounts.json").stat().st_mode) == 0o600
    clerk = accounts.verify("clerk", "correct horse battery")
    assert clerk is not None and clerk.role == "officer"
    assert accounts.verify("clerk", "correct horse batterY") is None
    assert accounts.verify("nobody", "correct horse battery") is None
    assert accounts.account("cllr.jones").sees_restricted and not accounts.account("cllr.jones").is_officer
    accounts.remove("cllr.jones")
    assert accounts.account("cllr.jones") == ANONYMOUS  # removed while logged in: public papers only
    assert [a.name for a in accounts.list()] == ["clerk"]


def test_the_environment_login_is_one_officer(tmp_path: Path):
    accounts = Accounts(tmp_path, ("admin", "from the environment"))
    admin = accounts.verify("admin", "from the environment")
    assert accounts.exist() and admin is not None and admin.is_officer
    assert accounts.verify("admin", "wrong") is None and not (tmp_path / "accounts.json").exists()
    with pytest.raises(AccountError, match="COUNCILQA_UI__USERNAME"):
        accounts.add("admin", "another password", "reader")


@pytest.mark.parametrize(
    ("name", "password", "role", "says"),
    [
        ("public", "long enough pass", "reader", "not 'public'"),
        ("../etc", "long enough pass", "reader", "a user name is"),
        ("clerk", "short", "reader", "at least 8 characters"),
        ("clerk", "long enough pass", "admin", "a role is one of reader, member, officer"),
    ],
)
def test_bad_accounts_are_refused(tmp_path: Path, name: str, password: str, role: str, says: str):
    with pytest.raises(AccountError, match=says):
        Accounts(tmp_path).add(name, password, role)


@pytest.mark.slow
def test_the_users_command_never_prints_a_password_or_hash(tmp_path: Path):
    def users(*args: str, given: str = "") -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "councilqa.app.cli", "users", *args, "--data-dir", str(tmp_path)]
        return subprocess.run(command, check=False, capture_output=True, text=True, input=given, timeout=60)

    added = users("add", "clerk", "--role", "officer", "--password-stdin", given="correct horse battery\n")
    assert (added.returncode, added.stdout) == (0, "clerk: officer\n")
    listed = users("list")
    assert listed.stdout == "clerk\tofficer\n"
    record = json.loads((tmp_path / "accounts.json").read_text())["accounts"]["clerk"]
    for shown in (added.stdout + added.stderr, listed.stdout + listed.stderr):
        assert "correct horse" not in shown and record["hash"] not in shown and record["salt"] not in shown
    assert users("remove", "nobody").returncode == 2
