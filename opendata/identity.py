"""Who publishes the site, for the theme's header and footer: the publisher's name (site.yml
`publisher`), the licence line, a contact, the source code (`project.repository`) and the
pages a footer points to. Plain data in the mkdocs configuration's `extra.identity`; links
only through `urls`."""

from __future__ import annotations

from . import corrections, i18n, paths, project
from .urls import https_url, safe_url

TEXTS = ("licence", "contact", "contact_issues", "contact_about", "source",
         "developers", "about")


def identity(active: project.Project, lang: str) -> dict:
    config = active.config
    name = (config.publisher.get("name") or {}).get(lang) or i18n.t("site.name", lang)
    email = config.publisher.get("email")
    repository = corrections.repository_url(active.repository)   # as the correction links
    return {
        "publisher": name,
        "publisher_shown": name != i18n.t("site.name", lang),   # the header names it apart
        "publisher_url": https_url(config.publisher.get("url")),
        "licence": i18n.t("site.copyright", lang),
        "email": email if email and safe_url(f"mailto:{email}") else None,
        "repository": repository,
        "issues": f"{repository}/issues" if repository else None,
        "pages": {"developers": paths.page_url(paths.DEVELOPERS),
                  "about": paths.page_url(paths.ABOUT)},
        "corrections": "koreksi",   # the about page's anchor: how to report a correction
        "texts": {key: i18n.t(f"footer.{key}", lang) for key in TEXTS},
        # a search with no result offers the same search on the other languages' sites
        "search_elsewhere": [{"lang": code, "root": paths.language_root(code),
                              "name": i18n.t(f"site.in_language.{code}", code),
                              "text": i18n.t("search.elsewhere", lang)}
                             for code in paths.languages() if code != lang],
    }
