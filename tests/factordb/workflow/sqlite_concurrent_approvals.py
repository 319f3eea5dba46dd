"""Run as a script by test_concurrent_approvals_on_sqlite.py, on a SQLite file of its own.

Two reviewers approve the same version at the same instant, over several rounds, each from
its own thread and connection (as two gunicorn workers would). Prints one JSON list of the
outcomes: "approved", "conflict" (a 409 to the client), or the text of any other error.
"""

import json
import sys
import threading

import django

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def main() -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.roles import Role
    from factordb.constants import FactorStatus
    from factordb.models import ReviewAssignment
    from tests.factories import STATE_FACTORIES
    from tests.roles import user_with_roles

    editor = user_with_roles("editor", Role.EDITOR)
    reviewers = [user_with_roles(f"reviewer{n}", Role.REVIEWER) for n in (1, 2)]
    outcomes = []
    for _ in range(ROUNDS):
        version = STATE_FACTORIES[FactorStatus.IN_REVIEW](author=editor, reviewers=reviewers)
        assignments = list(ReviewAssignment.objects.filter(version=version).order_by("pk"))
        outcomes += approve_at_once(assignments)
    print(json.dumps(outcomes))


def approve_at_once(assignments) -> list[str]:
    from django.db import connection

    from factordb.errors import WorkflowError
    from factordb.services import review

    start, outcomes = threading.Barrier(len(assignments)), []

    def approve(assignment) -> None:
        start.wait()
        try:
            review.review_approve(assignment=assignment, actor=assignment.reviewer,
                                  declares_no_conflict=True, comment="")
            outcomes.append("approved")
        except WorkflowError:
            outcomes.append("conflict")
        except Exception as exc:  # the test reports whatever went wrong
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in assignments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


if __name__ == "__main__":
    main()
