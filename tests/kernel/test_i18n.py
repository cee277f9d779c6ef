"""Messages come in the reader's language: Chinese by default, English when asked."""

from __future__ import annotations

from kernel.i18n import negotiate, translate


def test_a_client_that_names_no_language_reads_chinese() -> None:
    assert negotiate(None) == "zh"
    assert negotiate("fr-FR,de;q=0.8") == "zh"
    assert translate("Not found", "zh") == "未找到"


def test_accept_language_picks_the_preferred_supported_language() -> None:
    assert negotiate("en-US,en;q=0.9,zh-CN;q=0.8") == "en"
    assert negotiate("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert negotiate("fr;q=1, en;q=0.5, zh;q=0.4") == "en"
    assert negotiate("en;q=0, zh;q=0.1") == "zh"


def test_english_is_the_message_itself_with_fields_filled_in() -> None:
    assert translate("Not found", "en") == "Not found"
    assert translate("{n} left", "en", n=3) == "3 left"
    # a message without a translation falls back to its English text, never to nothing
    assert translate("No catalogue has this line {n}", "zh", n=1) == "No catalogue has this line 1"
