"""The password policy and hashing."""

import pytest

from matchmaker import passwords


@pytest.mark.parametrize(
    ("candidate", "message"),
    [
        ("short-pass", "at least 12"),
        ("x" * 129, "at most 128"),
        ("qwerty123456", "too common"),
        ("Q1W2E3R4T5Y6", "too common"),  # case does not make a common password rare
    ],
)
def test_weak_passwords_are_refused_with_the_reason(candidate, message):
    with pytest.raises(passwords.WeakPassword, match=message):
        passwords.check_policy(candidate)


def test_a_long_uncommon_password_passes():
    passwords.check_policy("harbor lighthouse 1907")


def test_the_shipped_list_holds_one_thousand_passwords():
    common = passwords.common_passwords()
    assert len(common) == 1000
    assert "password" in common


def test_hash_verifies_only_the_right_password():
    hashed = passwords.hash_password("harbor lighthouse 1907")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "harbor lighthouse 1907")
    assert not passwords.verify_password(hashed, "harbor lighthouse 1908")
    assert not passwords.verify_password(None, "anything")
    assert not passwords.verify_password("not-a-hash", "anything")


def test_without_tuning_the_app_hashes_with_argon2_recommended_parameters():
    from matchmaker import create_app

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        assert "$m=65536,t=3,p=4$" in passwords.hash_password("harbor lighthouse 1907")
