"""The one translation layer: every UI string is looked up here, Japanese first.

`t(key, lang)` returns the string in the requested language (ja or en), falling back to
Japanese. Templates get a bound `_` (see portal.web) so they never hold literal UI text.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LANGUAGES = ("ja", "en")
LANG_COOKIE_MAX_AGE = 400 * 24 * 3600
JST = ZoneInfo("Asia/Tokyo")

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (ja, en)
    "site.tagline": ("あなたに合わせた市のお知らせ", "City news chosen for you"),
    "nav.feed": ("マイフィード", "My feed"),
    "nav.settings": ("関心の設定", "Interests"),
    "nav.editor": ("編集者ログイン", "Editor login"),
    "nav.skip": ("本文へ移動", "Skip to main content"),
    "nav.language": ("English", "日本語"),
    "onboard.title": ("関心のあることを選んでください", "Choose what interests you"),
    "onboard.lead": (
        "アカウントは不要です。選んだ内容はこの端末だけに保存され、いつでも変更・削除できます。",
        "No account needed. Your choices stay with this browser and can be changed or "
        "deleted at any time.",
    ),
    "onboard.categories": ("関心のある分野", "Topics"),
    "onboard.areas": ("お住まいの区", "Your ward"),
    "onboard.area_all": ("市内全域", "Whole city"),
    "onboard.life_stages": ("あてはまるもの(任意)", "Which apply to you (optional)"),
    "onboard.keywords": ("キーワード(任意・読点や空白で区切る)",
                         "Keywords (optional, separated by commas or spaces)"),
    "onboard.keywords_hint": ("例: 図書館, 予防接種", "e.g. library, vaccination"),
    "onboard.language": ("表示言語", "Language"),
    "onboard.submit": ("この内容でフィードを見る", "Show my feed"),
    "onboard.error_categories": ("分野を1つ以上選んでください。",
                                 "Please choose at least one topic."),
    "feed.title": ("マイフィード", "My feed"),
    "feed.empty": (
        "まだ表示できるお知らせがありません。しばらくしてから再度ご覧ください。",
        "No notices to show yet. Please check back shortly.",
    ),
    "feed.more": ("さらに表示", "Show more"),
    "feed.next_page": ("次のページ", "Next page"),
    "feed.prev_page": ("前のページ", "Previous page"),
    "feed.department": ("発信元", "From"),
    "feed.published": ("掲載日", "Published"),
    "feed.deadline": ("締切", "Deadline"),
    "feed.reason": ("表示理由", "Why shown"),
    "feed.read": ("詳しく読む", "Read more"),
    "feed.save": ("保存", "Save"),
    "feed.hide": ("表示しない", "Hide"),
    "feed.more_like": ("このような記事を増やす", "More like this"),
    "feed.less_like": ("このような記事を減らす", "Less like this"),
    "feed.feedback_done": ("フィードバックを受け付けました", "Thanks, noted"),
    "feed.no_profile": ("まず関心を設定してください。", "Please set your interests first."),
    "notice.region": ("重要なお知らせ", "Priority notices"),
    "severity.emergency": ("緊急", "Emergency"),
    "severity.warning": ("警戒", "Warning"),
    "severity.info": ("お知らせ", "Notice"),
    "editor.login": ("編集者ログイン", "Editor login"),
    "editor.username": ("ユーザー名", "Username"),
    "editor.password": ("パスワード", "Password"),
    "editor.sign_in": ("ログイン", "Sign in"),
    "editor.sign_out": ("ログアウト", "Sign out"),
    "editor.bad_login": ("ユーザー名またはパスワードが違います。",
                         "Wrong username or password."),
    "editor.throttled": ("試行回数が多すぎます。15分後にもう一度お試しください。",
                         "Too many attempts. Please try again in 15 minutes."),
    "editor.console": ("編集者コンソール", "Editor console"),
    "editor.new_notice": ("重要なお知らせを掲載", "Publish a priority notice"),
    "editor.notice_title": ("件名", "Title"),
    "editor.notice_body": ("本文", "Body"),
    "editor.severity": ("重要度", "Severity"),
    "editor.scope": ("対象(未選択なら全員)", "Audience (none selected = everyone)"),
    "editor.ends_at": ("掲載終了日時(任意)", "Ends at (optional)"),
    "editor.publish": ("掲載する", "Publish"),
    "editor.cancel": ("取り下げる", "Withdraw"),
    "editor.notices": ("お知らせ一覧", "Notices"),
    "editor.sources": ("情報源の状態", "Sources"),
    "editor.state": ("状態", "State"),
    "editor.last_ok": ("最終成功", "Last success"),
    "editor.last_error": ("最後のエラー", "Last error"),
    "editor.next_fetch": ("次回取得", "Next fetch"),
    "editor.audience_all": ("全員", "Everyone"),
    "editor.error_title": ("件名を入力してください。", "Please enter a title."),
    "editor.published_ok": ("お知らせを掲載しました。", "The notice is published."),
    "state.ok": ("正常", "OK"),
    "state.degraded": ("不安定", "Degraded"),
    "state.failing": ("取得失敗", "Failing"),
    "state.paused": ("停止中", "Paused"),
    "state.new": ("未取得", "Not yet fetched"),
    "state.published": ("掲載中", "Published"),
    "state.cancelled": ("取り下げ", "Withdrawn"),
    "error.not_found": ("ページが見つかりません。", "Page not found."),
    "error.forbidden": ("この操作は許可されていません。", "This action is not allowed."),
    "error.unavailable": (
        "ただいま混み合っています。しばらくしてから再度お試しください。",
        "The service is busy. Please try again shortly.",
    ),
    "reason.default": ("新着のお知らせ", "Recent notice"),
}


def t(key: str, lang: str = "ja") -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def normalize_language(value: str | None) -> str:
    return value if value in LANGUAGES else "ja"


def format_date(value: datetime | None, lang: str = "ja") -> str:
    if value is None:
        return ""
    local = value.astimezone(JST)
    if lang == "en":
        return local.strftime("%b %-d, %Y")
    return f"{local.year}年{local.month}月{local.day}日"
