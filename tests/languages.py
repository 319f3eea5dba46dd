"""Checks that an API answer is in the language asked for: English with no Chinese character,
Chinese with some in every text (so an English literal left in the code is caught)."""

import re

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def assert_texts_in(language: str, texts: list[str]) -> None:
    """English: not one Chinese character; Chinese: some in every text."""
    assert texts, "nothing to check"
    for text in texts:
        if language == "en":
            assert not HAN.search(text), f"Chinese in an English answer: {text!r}"
        else:
            assert HAN.search(text), f"English in a Chinese answer: {text!r}"


def assert_error_in(language: str, response, status: int, fields: set[str] | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Language"] == language
    error = response.json()["error"]
    if fields is not None:
        assert set(error["details"]) == fields, error
    details = [reason for reasons in error["details"].values() for reason in reasons]
    assert_texts_in(language, [error["message"], *details])
    return error
