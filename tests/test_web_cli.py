"""`rempart user add|list|token` and `rempart serve` (issue 12)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from rempart import case as rc
from rempart.case.users import authenticate, user_for_token
from rempart.cli import main


def test_users_are_added_listed_and_given_a_token(tmp_path: Path) -> None:
    for name in ("a", "b"):
        rc.init_case(tmp_path / name, ["@cible"]).close()
    runner = CliRunner()
    cases = ["--case", str(tmp_path / "a"), "--case", str(tmp_path / "b")]
    done = runner.invoke(
        main,
        ["user", "add", "Avocate@Example.org", "--role", "owner", *cases],
        input="un long mot de passe\nun long mot de passe\n",
    )
    assert done.exit_code == 0, done.output
    assert "avocate@example.org: owner of" in done.output
    listed = runner.invoke(main, ["user", "list", *cases])
    assert listed.output.count("avocate@example.org\towner") == 2
    token = runner.invoke(
        main, ["user", "token", "avocate@example.org", "--case", str(tmp_path / "a")]
    )
    assert token.exit_code == 0
    with rc.open_case(tmp_path / "a") as case:
        assert authenticate(case, "avocate@example.org", "un long mot de passe") is not None
        found = user_for_token(case, token.output.strip())
        assert found is not None and found.email == "avocate@example.org"
    with rc.open_case(tmp_path / "b") as case:
        assert user_for_token(case, token.output.strip()) is None


def test_bad_users_get_a_one_line_error(tmp_path: Path) -> None:
    rc.init_case(tmp_path / "a", ["@cible"]).close()
    runner = CliRunner()
    case = ["--case", str(tmp_path / "a")]
    short = runner.invoke(
        main, ["user", "add", "x@example.org", "--role", "helper", "--password", "court", *case]
    )
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    email = runner.invoke(
        main,
        [
            "user",
            "add",
            "pas-une-adresse",
            "--role",
            "helper",
            "--password",
            "assez long ici",
            *case,
        ],
    )
    assert email.exit_code == 1 and "is not an e-mail address" in email.output
    role = runner.invoke(
        main,
        ["user", "add", "x@example.org", "--role", "admin", "--password", "assez long ici", *case],
    )
    assert role.exit_code == 2
    unknown = runner.invoke(main, ["user", "token", "nobody@example.org", *case])
    assert unknown.exit_code == 1 and "not a user of this case" in unknown.output


def test_serve_refuses_a_folder_that_is_not_a_case(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(main, ["serve", "--case", str(tmp_path / "nothing"), "--port", "1"])
    assert done.exit_code == 1
    assert "Traceback" not in done.output
    assert runner.invoke(main, ["serve", "--help"]).exit_code == 0
