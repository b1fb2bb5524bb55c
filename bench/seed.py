"""Seed a benchmark database through the app's own commands: `python -m bench.seed --meetings M`.

One team, one facilitator, and M cases, each with one live meeting that admits everyone with its
code. Prints the facilitator's sign-in and the meetings as JSON on stdout. With `--demo`, the
demo's families instead (`fttm demo`), the Riveras' upcoming meeting live and admitting everyone.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
from datetime import date, datetime, timedelta

os.environ.setdefault("FTTM_ASYNC_MODE", "threading")

from fttm import create_app
from fttm.auth import commands as accounts
from fttm.cases.commands import CaseDetails, open_case
from fttm.jurisdictions import profile
from fttm.meetings.commands import schedule_meeting, set_option, start_meeting
from fttm.meetings.models import Meeting


def seed(meetings: int) -> dict:
    """Create the facilitator and `meetings` live meetings; return how to reach them."""
    password = "bench " + secrets.token_urlsafe(18)
    team = accounts.create_team("Benchmark team")
    facilitator = accounts.create_user(
        email="facilitator@bench.example",
        name="Bench Facilitator",
        role="facilitator",
        password=password,
        team_id=team.id,
    )
    made = []
    for number in range(1, meetings + 1):
        case = open_case(
            facilitator,
            CaseDetails(
                case_number=f"B-{number:05d}",
                family_name=f"Benchfamily{number}",
                jurisdiction="miteam",
                substantiation_date=date.today() - timedelta(days=10),
                permanency_goal="remain_home",
                facilitator_id=facilitator.id,
            ),
        )
        # An hour from now in the case's zone: schedule_meeting refuses a time already past.
        soon = datetime.now(profile(case.jurisdiction).zone) + timedelta(hours=1)
        meeting = schedule_meeting(
            facilitator,
            case,
            local_time=soon.replace(tzinfo=None, second=0, microsecond=0),
            purpose="initial_plan",
            location="Benchmark room",
        )
        set_option(facilitator, meeting, "admit_everyone", True)
        start_meeting(facilitator, meeting)
        made.append({"id": meeting.id, "code": meeting.join_code})
    return {"email": facilitator.email, "password": password, "meetings": made}


def demo_meeting() -> Meeting:
    """Seed the demo and make its upcoming meeting live, admitting everyone with the code."""
    import sqlalchemy as sa

    from fttm.auth.models import User
    from fttm.demo import seed_demo
    from fttm.extensions import db

    seeded = seed_demo()
    meeting_id = int(seeded.meeting_path.strip("/").split("/")[1])
    meeting = db.session.get(Meeting, meeting_id)
    facilitator = db.session.scalar(sa.select(User).where(User.email == seeded.logins[0].email))
    set_option(facilitator, meeting, "admit_everyone", True)
    start_meeting(facilitator, meeting)
    return meeting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=0)
    parser.add_argument("--demo", action="store_true", help="the demo's families instead")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        if args.demo:
            meeting = demo_meeting()
            print(json.dumps({"meetings": [{"id": meeting.id, "code": meeting.join_code}]}))
        else:
            print(json.dumps(seed(args.meetings)))


if __name__ == "__main__":
    main()
