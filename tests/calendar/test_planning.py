"""Planned posts for a server: the whole 2024 season, DST, date-only races, quote of the day."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

from bot.schedule.calendar import Calendar, Event, Season, Session
from bot.schedule.planning import (
    GuildSettings,
    PlannedPost,
    plan_posts,
)
from tests.calendar.conftest import at

SEASON_START = at("2024-01-01T00:00:00Z")


def season_2024(posts: list[PlannedPost]) -> list[PlannedPost]:
    return [p for p in posts if p.due.year == 2024]


def dues(posts: list[PlannedPost], ref: str) -> dict[int, datetime]:
    return {p.key.lead_seconds: p.due for p in posts if p.key.ref == ref}


def test_default_leads_plan_35_posts_for_the_2024_season(calendar: Calendar):
    posts = season_2024(plan_posts(GuildSettings(1, channel_id=10), calendar, start=SEASON_START))
    assert len(posts) == 35
    assert Counter(p.kind for p in posts) == {"preview": 11, "countdown": 24}
    assert len({p.key for p in posts}) == 35
    assert posts == sorted(posts, key=lambda p: p.due)


def test_the_rolex_24_gets_a_week_a_day_and_an_hour_of_countdown(calendar: Calendar):
    posts = plan_posts(GuildSettings(1, channel_id=10), calendar, start=SEASON_START)
    assert dues(posts, "session:imsa-2024-r01-daytona-race") == {
        7 * 86400: at("2024-01-20T18:40:00Z"),
        86400: at("2024-01-26T18:40:00Z"),
        3600: at("2024-01-27T17:40:00Z"),
    }
    preview = next(p for p in posts if p.key.ref == "event:imsa-2024-r01-daytona")
    assert preview.due == at("2024-01-22T09:00:00Z")  # Monday of race week, 09:00 server time


def test_date_only_races_count_down_at_nine_in_the_server_zone_across_the_march_dst_change(
    calendar: Calendar,
):
    utc = plan_posts(GuildSettings(1, channel_id=10), calendar, start=SEASON_START)
    new_york = GuildSettings(2, channel_id=10, timezone="America/New_York")
    eastern = plan_posts(new_york, calendar, start=SEASON_START)
    # Sebring, Sat 16 Mar 2024, time not published; clocks went forward on 10 Mar.
    assert dues(utc, "session:imsa-2024-r02-sebring-race") == {
        7 * 86400: at("2024-03-09T09:00:00Z"),
        86400: at("2024-03-15T09:00:00Z"),
    }
    assert dues(eastern, "session:imsa-2024-r02-sebring-race") == {
        7 * 86400: at("2024-03-09T14:00:00Z"),  # 09:00 EST
        86400: at("2024-03-15T13:00:00Z"),  # 09:00 EDT
    }


def test_a_date_only_race_never_counts_down_in_the_servers_night(calendar: Calendar):
    zones = ("America/New_York", "America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "UTC")
    for number, zone in enumerate(zones):
        settings = GuildSettings(number, channel_id=10, timezone=zone)
        for post in plan_posts(settings, calendar, start=SEASON_START):
            session = calendar.session(post.session_uid or "")
            if post.kind != "countdown" or session is None or session[1].timed:
                continue
            local = post.due.astimezone(settings.zone)
            assert (local.hour, local.minute) == (9, 0), (zone, post.key)


def test_road_america_counts_down_to_the_published_eastern_start(calendar: Calendar):
    posts = plan_posts(GuildSettings(1, channel_id=10), calendar, start=SEASON_START)
    assert dues(posts, "session:imsa-2024-r08-roadamerica-race")[3600] == at("2024-08-04T18:10:00Z")


def _timed_race(start: datetime) -> Calendar:
    event = Event(
        uid="e",
        name="Test Race",
        venue="Somewhere",
        tz="America/New_York",
        season=start.year,
        round=1,
        sessions=(Session("e-race", "race", start),),
    )
    return Calendar((Season(start.year, events=(event,)),))


def test_day_leads_keep_the_local_start_time_across_dst_in_march_and_november():
    from zoneinfo import ZoneInfo

    ny = ZoneInfo("America/New_York")
    settings = GuildSettings(1, channel_id=10)
    march = plan_posts(
        settings, _timed_race(datetime(2024, 3, 16, 12, 0, tzinfo=ny)), start=SEASON_START
    )
    assert dues(march, "session:e-race") == {
        7 * 86400: at("2024-03-09T17:00:00Z"),  # 12:00 EST
        86400: at("2024-03-15T16:00:00Z"),  # 12:00 EDT
        3600: at("2024-03-16T15:00:00Z"),
    }
    november = plan_posts(
        settings, _timed_race(datetime(2024, 11, 9, 12, 0, tzinfo=ny)), start=SEASON_START
    )
    assert dues(november, "session:e-race") == {
        7 * 86400: at("2024-11-02T16:00:00Z"),  # 12:00 EDT
        86400: at("2024-11-08T17:00:00Z"),  # 12:00 EST
        3600: at("2024-11-09T16:00:00Z"),
    }


def test_only_posts_after_start_are_planned(calendar: Calendar):
    posts = plan_posts(GuildSettings(1, channel_id=10), calendar, start=at("2024-01-27T00:00:00Z"))
    assert posts[0].key.ref == "session:imsa-2024-r01-daytona-race"
    assert posts[0].due == at("2024-01-27T17:40:00Z")


def test_following_qualifying_adds_its_countdowns(calendar: Calendar):
    settings = GuildSettings(1, channel_id=10, session_kinds=("race", "qualifying"))
    posts = season_2024(plan_posts(settings, calendar, start=SEASON_START))
    # Roar qualifying (date-only: 2 leads) + its preview, Road America qualifying (3 leads).
    assert len(posts) == 35 + 3 + 2 + 1


def test_a_server_without_a_channel_or_with_events_off_gets_no_race_posts(calendar: Calendar):
    assert plan_posts(GuildSettings(1), calendar, start=SEASON_START) == []
    settings = GuildSettings(1, channel_id=10, events_enabled=False)
    assert plan_posts(settings, calendar, start=SEASON_START) == []


def _qotd_dues(tz: str, first_day: str, days: int) -> list[datetime]:
    settings = GuildSettings(1, channel_id=10, timezone=tz, qotd_time=time(9, 0))
    posts = plan_posts(settings, Calendar(), start=at(f"{first_day}T00:00:00Z"), qotd_days=days)
    assert all(p.kind == "qotd" for p in posts)
    return [p.due for p in posts]


def test_quote_of_the_day_at_nine_new_york_across_both_dst_changes():
    assert _qotd_dues("America/New_York", "2024-03-09", 2) == [
        at("2024-03-09T14:00:00Z"),
        at("2024-03-10T13:00:00Z"),
    ]
    assert _qotd_dues("America/New_York", "2024-11-02", 2) == [
        at("2024-11-02T13:00:00Z"),
        at("2024-11-03T14:00:00Z"),
    ]


def test_quote_of_the_day_at_nine_berlin_across_both_dst_changes():
    assert _qotd_dues("Europe/Berlin", "2024-03-30", 2) == [
        at("2024-03-30T08:00:00Z"),
        at("2024-03-31T07:00:00Z"),
    ]
    assert _qotd_dues("Europe/Berlin", "2024-10-26", 2) == [
        at("2024-10-26T07:00:00Z"),
        at("2024-10-27T08:00:00Z"),
    ]


def test_quote_of_the_day_already_past_today_starts_tomorrow():
    settings = GuildSettings(1, channel_id=10, timezone="Europe/Berlin", qotd_time=time(9, 0))
    posts = plan_posts(settings, Calendar(), start=at("2024-06-01T12:00:00Z"), qotd_days=1)
    assert [p.due for p in posts] == [at("2024-06-02T07:00:00Z")]
    assert posts[0].day == date(2024, 6, 2)
