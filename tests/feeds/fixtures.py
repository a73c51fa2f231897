"""Feeds, pages and calendars the local source server serves in tests (invented people)."""

from __future__ import annotations

from html import escape

LINEUP_TEXT = (
    "<p>Harbor Motorsport confirmed its line-up for the Rolex 24 At Daytona on Monday.</p>"
    "<p>The #77 Harbor Motorsport Porsche 963 will be shared by Anna Keller, Tom Meyer and"
    " Luis Ortega in the GTP class.</p>"
    "<p>“We have waited a long time for this car,” said Anna Keller. “Daytona is the place"
    " to show it.”</p>"
)
POLE_PAGE_TEXT = (
    "<p>Anna Keller put the #77 Harbor Motorsport Porsche on pole for the Roar Before the"
    " Rolex 24 with a lap of 1:34.512, ahead of a field of sixty cars.</p>"
    "<p>Keller said the team had found more grip on the final run of the session, and that the"
    " car felt ready for the twenty-four hours ahead at Daytona International Speedway.</p>"
    "<p>Tom Meyer and Luis Ortega will share the car with her when the race starts on"
    " Saturday afternoon.</p>"
)
NAV_TEXT = "Subscribe to our newsletter"
COOKIE_TEXT = "We use cookies to improve your experience"
FOOTER_TEXT = "Copyright Paddock Test Media"


def page(title: str, paragraphs: str) -> str:
    """Return a news page with navigation, a cookie banner, related links and a footer."""
    return f"""<!DOCTYPE html>
<html><head><title>{escape(title)}</title></head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/subscribe">{NAV_TEXT}</a></li></ul></nav></header>
<div class="cookie-banner" id="cookie-consent"><p>{COOKIE_TEXT}. Accept all?</p></div>
<main><article><h1>{escape(title)}</h1>
<p class="byline">By Test Writer, 18 January 2027</p>
{paragraphs}
</article>
<aside class="related"><h2>Related</h2><ul><li><a href="/x">Other story one</a></li>
<li><a href="/y">Other story two</a></li></ul></aside></main>
<footer><p>{FOOTER_TEXT}. All rights reserved.</p></footer>
</body></html>"""


def rss(title: str, items: list[dict[str, str]]) -> str:
    """Return an RSS 2.0 feed; an item with `content` has content:encoded."""
    entries = []
    for item in items:
        content = (
            f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
            if item.get("content")
            else ""
        )
        entries.append(
            "<item>"
            f"<title>{escape(item['title'])}</title>"
            f"<link>{escape(item['link'])}</link>"
            f'<guid isPermaLink="false">{escape(item["guid"])}</guid>'
            f"<pubDate>{item.get('date', 'Mon, 18 Jan 2027 10:00:00 GMT')}</pubDate>"
            f"<description>{escape(item.get('summary', 'A short summary.'))}</description>"
            f"{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>http://127.0.0.1/</link>"
        f"<description>test</description>{''.join(entries)}</channel></rss>"
    )


def imsa_items(base: str) -> list[dict[str, str]]:
    """Return the two items of the IMSA test feed: one full text, one summary only."""
    return [
        {
            "title": "Harbor Motorsport names its Rolex 24 crew",
            "link": f"{base}/news/harbor-crew?utm_source=rss&utm_medium=feed",
            "guid": "harbor-crew",
            "date": "Sun, 10 Jan 2027 09:00:00 GMT",
            "content": LINEUP_TEXT,
        },
        {
            "title": "Keller takes pole at the Roar",
            "link": f"{base}/news/keller-pole.html#top",
            "guid": "keller-pole",
            "summary": "Keller was fastest.",
        },
    ]


MALFORMED_FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Broken<item><title>x'


def ics(events: list[str], extra: str = "") -> str:
    """Return a VCALENDAR around VEVENT bodies."""
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Series//EN\r\n"
        f"{extra}{body}END:VCALENDAR\r\n"
    )


def season_2027(race_day: str = "20270130", race_time: str = "133000") -> str:
    """Return a 2027 calendar: Daytona qualifying and race (TZID), Sebring race (UTC)."""
    return ics(
        [
            "UID:daytona-2027-quali@test\r\nSUMMARY:Rolex 24 At Daytona - Qualifying\r\n"
            "LOCATION:Daytona International Speedway\r\n"
            "DTSTART;TZID=America/New_York:20270128T151500\r\nDTSTAMP:20261201T000000Z",
            "UID:daytona-2027-race@test\r\nSUMMARY:Rolex 24 At Daytona - Race\r\n"
            "LOCATION:Daytona International Speedway\r\n"
            f"DTSTART;TZID=America/New_York:{race_day}T{race_time}\r\nDTSTAMP:20261201T000000Z",
            "UID:sebring-2027-race@test\r\nSUMMARY:Twelve Hours of Sebring - Race\r\n"
            "LOCATION:Sebring International Raceway\r\n"
            "DTSTART:20270320T144000Z\r\nDTSTAMP:20261201T000000Z",
        ]
    )
