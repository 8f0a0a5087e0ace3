"""The gate's memory of who owns each login token, session, event and upload: a flood from one login forgets
only that login's oldest keys, never another's."""

from councilqa.app.owners import Owners


def test_a_key_is_its_first_claimers():
    sessions = Owners()
    assert sessions.claim("s1", "rita") and sessions.claim("s1", "rita")
    assert not sessions.claim("s1", "mo") and sessions.owner("s1") == ("rita", "")
    sessions.drop("s1")
    assert sessions.owner("s1") is None and sessions.claim("s1", "mo")


def test_a_flood_from_one_login_forgets_only_its_own_oldest_keys():
    forgotten: list[str] = []
    tokens = Owners(per_login=100, on_forget=forgotten.append)
    tokens.claim("member token", "mo", "epoch 1")
    for n in range(1000):  # anyone may log in as public, as often as they like
        tokens.claim(f"public {n}", "public")
    assert tokens.owner("member token") == ("mo", "epoch 1")
    assert forgotten == [f"public {n}" for n in range(900)]
    assert tokens.owner("public 899") is None and tokens.owner("public 900") == ("public", "")
