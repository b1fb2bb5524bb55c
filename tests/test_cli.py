"""The operator's command line: `fttm demo` and `fttm user create`."""

from __future__ import annotations

import re

from fttm.extensions import db
from fttm.meetings import join_codes
from fttm.models import Case, Meeting, MeetingStatus, Team, User
from tests import factories
from tests.helpers import count, user_with_email

LOGIN_LINE = re.compile(r"^Sign in as (\w+): (\S+@\S+) / password: (\S+)$")
NEW_USER = [
    "user",
    "create",
    "--email",
    "Rosa.Lee@Agency.example",
    "--name",
    "Rosa Lee",
    "--role",
    "facilitator",
]


def _demo(runner, *args: str) -> dict:
    """Run `fttm demo`; what it printed, line by line, parsed into what an operator reads."""
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    logins = [LOGIN_LINE.match(line).groups() for line in lines if LOGIN_LINE.match(line)]
    prefixes = {
        "Open: ": "open",
        "Demo meeting board: ": "board",
        "Demo meeting join code: ": "code",
    }
    printed = {
        key: line.removeprefix(prefix)
        for line in lines
        for prefix, key in prefixes.items()
        if line.startswith(prefix)
    }
    return {"lines": lines, "logins": logins, **printed}


def test_demo_prints_where_to_go_how_to_sign_in_and_the_meeting(runner):
    """Each thing a newcomer needs is on its own line, and every one of them works."""
    printed = _demo(runner)
    assert printed["open"] == "http://127.0.0.1:5000/"
    assert {role for role, _, _ in printed["logins"]} == {"facilitator", "supervisor"}
    assert len(printed["lines"]) == 5
    for _, email, password in printed["logins"]:
        assert user_with_email(email).check_password(password)
    path = printed["board"].removeprefix("http://127.0.0.1:5000")
    meeting = db.session.get(Meeting, int(re.fullmatch(r"/meetings/(\d+)/board/", path).group(1)))
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.case.case_number == "DEMO-1001"
    assert join_codes.normalise(printed["code"]) == meeting.join_code


def test_demo_uses_the_public_url_when_one_is_set(app, runner):
    """Behind a proxy the printed links are the ones people can actually open."""
    app.config["PUBLIC_URL"] = "https://fttm.example.org/"
    printed = _demo(runner)
    assert printed["open"] == "https://fttm.example.org/"
    assert re.fullmatch(r"https://fttm\.example\.org/meetings/\d+/board/", printed["board"])


def test_demo_prints_links_to_the_address_make_run_serves_on(runner):
    """`make run PORT=8080` passes --site, so the printed links point at the running server."""
    printed = _demo(runner, "--site", "http://127.0.0.1:8080")
    assert printed["open"] == "http://127.0.0.1:8080/"
    assert re.fullmatch(r"http://127\.0\.0\.1:8080/meetings/\d+/board/", printed["board"])


def test_demo_twice_prints_new_working_passwords_and_duplicates_nothing(runner):
    """Lost the passwords? Run it again: the old ones stop working, the new ones sign in."""
    first = _demo(runner)
    counts = {model: count(model) for model in (Team, User, Case, Meeting)}
    second = _demo(runner)
    assert {model: count(model) for model in counts} == counts
    assert (second["board"], second["code"]) == (first["board"], first["code"])
    for (_, email, old), (_, again, new) in zip(first["logins"], second["logins"], strict=True):
        assert email == again and old != new
        user = user_with_email(email)
        assert user.check_password(new) and not user.check_password(old)


def test_demo_if_empty_seeds_an_empty_database(runner):
    """`make run` on a fresh install gives the newcomer a demo straight away."""
    printed = _demo(runner, "--if-empty")
    assert len(printed["logins"]) == 2 and printed["board"]
    assert count(Case) == 3  # the Riveras, the Nguyens, the Gagnons (in French)


def test_demo_if_empty_leaves_a_database_with_accounts_alone(runner, facilitator):
    """A real install is never filled with demo data by `make run`."""
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "already has accounts" in result.output and "password" not in result.output
    assert count(User) == 1 and count(Case) == 0 and count(Team) == 1


def test_user_create_reads_the_password_from_stdin_and_creates_the_team(runner):
    """An operator can script account creation without the password in the process list."""
    result = runner.invoke(args=[*NEW_USER, "--team", "West Team"], input=factories.PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "rosa.lee@agency.example" in result.output and "West Team" in result.output
    assert factories.PASSWORD not in result.output
    user = user_with_email("rosa.lee@agency.example")
    assert user.check_password(factories.PASSWORD)
    assert user.role == "facilitator" and user.team.name == "West Team"


def test_user_create_refuses_a_password_on_the_command_line(runner, team):
    """A password in argv would leak into `ps` and shell history: refused, nothing created."""
    result = runner.invoke(args=[*NEW_USER, "--team", team.name, "--password", factories.PASSWORD])
    assert result.exit_code != 0
    assert "command line" in result.output and factories.PASSWORD not in result.output
    assert user_with_email("rosa.lee@agency.example") is None


def test_user_create_refuses_a_weak_password(runner, team):
    """Staff accounts open children's case files: a guessable password is refused."""
    result = runner.invoke(args=[*NEW_USER, "--team", team.name], input="password123\n")
    assert result.exit_code == 1
    assert "Error (password)" in result.output
    assert user_with_email("rosa.lee@agency.example") is None


def test_user_create_refused_leaves_no_new_team_behind(runner):
    """A refused account creates nothing at all, not even its team."""
    result = runner.invoke(args=[*NEW_USER, "--team", "West Team"], input="password123\n")
    assert result.exit_code == 1
    assert count(Team) == 0


def test_user_create_refuses_a_duplicate_email(runner, facilitator):
    """One account per email address; the existing account keeps its password."""
    result = runner.invoke(
        args=[
            *NEW_USER[:3],
            facilitator.email.upper(),
            *NEW_USER[4:],
            "--team",
            facilitator.team.name,
        ],
        input="different lantern orbit 42\n",
    )
    assert result.exit_code == 1
    assert "Error (email)" in result.output
    assert count(User) == 1
    assert user_with_email(facilitator.email).check_password(factories.PASSWORD)


def test_user_create_refuses_an_unknown_role(runner, team):
    """Only facilitator, supervisor and admin exist."""
    args = [*NEW_USER[:-1], "caseworker", "--team", team.name]
    result = runner.invoke(args=args, input=factories.PASSWORD + "\n")
    assert result.exit_code == 2
    assert "caseworker" in result.output
    assert user_with_email("rosa.lee@agency.example") is None
