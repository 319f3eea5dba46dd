"""A write held open in another thread, for the races of a reader against a write not yet
committed (PostgreSQL: there a reader does not wait for it)."""

import threading

from django.db import connection, transaction


def while_open(write) -> "OpenWrite":
    """Runs `write` in a transaction of another thread and holds it open until `.commit()`."""
    return OpenWrite(write)


class OpenWrite:
    def __init__(self, write) -> None:
        self.written, self.release, self.errors = threading.Event(), threading.Event(), []
        self.thread = threading.Thread(target=self._run, args=(write,))
        self.thread.start()
        assert self.written.wait(timeout=30), self.errors

    def _run(self, write) -> None:
        try:
            with transaction.atomic():
                write()
                self.written.set()
                assert self.release.wait(timeout=30)
        except BaseException as error:  # every error is a finding
            self.errors.append(error)
            self.written.set()
        finally:
            connection.close()

    def commit(self) -> None:
        self.release.set()
        self.thread.join(timeout=30)
        assert self.errors == []
