"""Versioned schema migrations: entry N-1 upgrades a database from version N-1 to N."""

from __future__ import annotations

V1_ARTICLES_AND_FACTS = """
CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    path          TEXT NOT NULL UNIQUE,
    source        TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    published     TEXT,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    url           TEXT,
    ingested_at   TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published);

CREATE TABLE paragraphs (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, body, content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE TABLE entities (
    id    INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('person', 'team', 'car', 'event')),
    name  TEXT NOT NULL,
    norm  TEXT NOT NULL,
    UNIQUE (kind, norm)
);
CREATE TABLE entity_aliases (
    entity_id  INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias      TEXT NOT NULL,
    norm       TEXT NOT NULL,
    PRIMARY KEY (entity_id, norm)
) WITHOUT ROWID;
CREATE INDEX entity_aliases_norm ON entity_aliases (norm);
CREATE TABLE mentions (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id   INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    PRIMARY KEY (entity_id, article_id)
) WITHOUT ROWID;
CREATE INDEX mentions_article ON mentions (article_id);

CREATE TABLE quotes (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    paragraph   INTEGER NOT NULL,
    speaker_id  INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    speaker     TEXT,
    text        TEXT NOT NULL
);
CREATE INDEX quotes_article ON quotes (article_id);
CREATE INDEX quotes_speaker ON quotes (speaker_id);

CREATE TABLE lineups (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    paragraph   INTEGER NOT NULL,
    car         TEXT NOT NULL,
    team        TEXT,
    team_id     INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    car_model   TEXT,
    season      INTEGER,
    event       TEXT
);
CREATE INDEX lineups_car ON lineups (car);
CREATE INDEX lineups_article ON lineups (article_id);
CREATE INDEX lineups_team ON lineups (team_id);

CREATE TABLE results (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    paragraph   INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('pole', 'win', 'finish', 'title', 'fastest_lap')),
    position    INTEGER,
    car         TEXT,
    team        TEXT,
    team_id     INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    event       TEXT,
    event_id    INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    season      INTEGER,
    detail      TEXT
);
CREATE INDEX results_article ON results (article_id);
CREATE INDEX results_event ON results (event_id);
CREATE INDEX results_car ON results (car);

CREATE TABLE lineup_drivers (
    lineup_id  INTEGER NOT NULL REFERENCES lineups (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    driver     TEXT NOT NULL,
    driver_id  INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    PRIMARY KEY (lineup_id, ord)
) WITHOUT ROWID;
CREATE INDEX lineup_drivers_driver ON lineup_drivers (driver_id);

CREATE TABLE result_drivers (
    result_id  INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    driver     TEXT NOT NULL,
    driver_id  INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    PRIMARY KEY (result_id, ord)
) WITHOUT ROWID;
CREATE INDEX result_drivers_driver ON result_drivers (driver_id);
"""

V2_GUILD_POSTS = """
CREATE TABLE guild_settings (
    guild_id        INTEGER PRIMARY KEY,
    channel_id      INTEGER,
    ping_role_id    INTEGER,
    timezone        TEXT NOT NULL DEFAULT 'UTC',
    leads           TEXT NOT NULL DEFAULT '[604800, 86400, 3600]',
    qotd_time       TEXT,
    events_enabled  INTEGER NOT NULL DEFAULT 1,
    session_kinds   TEXT NOT NULL DEFAULT '["race"]',
    paused          INTEGER NOT NULL DEFAULT 0,
    pause_reason    TEXT,
    updated_at      TEXT
);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    ref         TEXT NOT NULL,
    lead        INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('preview', 'countdown', 'qotd')),
    due_utc     TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'late', 'dropped', 'paused')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    sent_at     TEXT,
    message_id  INTEGER,
    last_error  TEXT,
    UNIQUE (guild_id, ref, lead)
);
CREATE INDEX outbox_status_due ON outbox (status, due_utc);

CREATE TABLE qotd_history (
    guild_id   INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    posted_on  TEXT NOT NULL,
    quote_id   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, posted_on)
);
CREATE INDEX qotd_history_quote ON qotd_history (guild_id, quote_id);
"""

V3_QUERY_INDEXES = """
DROP INDEX lineups_car;
DROP INDEX lineups_team;
CREATE INDEX lineups_car_season ON lineups (car, season);
CREATE INDEX lineups_car_event ON lineups (car, event, season);
CREATE INDEX lineups_team_car_season ON lineups (team_id, car, season);
DROP INDEX results_event;
DROP INDEX results_car;
CREATE INDEX results_event_season ON results (event_id, season);
CREATE INDEX results_car_season ON results (car, season);
CREATE INDEX results_team_season ON results (team_id, season);
CREATE INDEX results_season ON results (season);

CREATE VIRTUAL TABLE quotes_fts USING fts5 (
    text, speaker_id, content = 'quotes', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6'
);
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text, speaker_id) VALUES (new.id, new.text, new.speaker_id);
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text, speaker_id)
    VALUES ('delete', old.id, old.text, old.speaker_id);
END;
CREATE TRIGGER quotes_fts_update AFTER UPDATE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text, speaker_id)
    VALUES ('delete', old.id, old.text, old.speaker_id);
    INSERT INTO quotes_fts (rowid, text, speaker_id) VALUES (new.id, new.text, new.speaker_id);
END;
INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild');
"""
"""Indexes for the queries at scale: seasons of line-ups and results, and the quotes' words
(with word-prefix indexes, for `word*`)."""

V4_SERVER_CHOICES = """
ALTER TABLE guild_settings ADD COLUMN news_channel_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN series TEXT NOT NULL DEFAULT '[]';
ALTER TABLE guild_settings ADD COLUMN server_events INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_settings ADD COLUMN spoilers INTEGER NOT NULL DEFAULT 0;

CREATE TABLE outbox_v4 (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    ref         TEXT NOT NULL,
    lead        INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('preview', 'countdown', 'qotd', 'news')),
    due_utc     TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'late', 'dropped', 'paused')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    sent_at     TEXT,
    message_id  INTEGER,
    last_error  TEXT,
    UNIQUE (guild_id, ref, lead)
);
INSERT INTO outbox_v4 SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v4 RENAME TO outbox;
CREATE INDEX outbox_status_due ON outbox (status, due_utc);
"""
"""What a server can choose besides reminders (a news channel, its series, Discord server events,
spoiler tags), and room in the outbox for news posts and for posts whose sending is under way."""

V5_CONSOLE_PLACES = """
CREATE TABLE console_places (
    id    INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('channel', 'role')),
    name  TEXT NOT NULL,
    UNIQUE (kind, name)
);
"""
"""The console's channels and roles: it is one local server whose channels are named as typed
(`/config channel channel:racing`); settings keep their ids like a guild's."""

V6_DISCORD_STATE = """
CREATE TABLE saved_queries (
    key         TEXT PRIMARY KEY,
    query       TEXT NOT NULL,
    options     TEXT NOT NULL,
    created_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE server_events (
    guild_id     INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    session_uid  TEXT NOT NULL,
    event_id     INTEGER NOT NULL,
    fingerprint  TEXT NOT NULL,
    PRIMARY KEY (guild_id, session_uid)
) WITHOUT ROWID;
"""
"""State that Discord keeps on its side and Paddock must find again after a restart: the queries
behind lasting pager buttons (a button carries only a short key) and the ids of the server
events Paddock created for race sessions."""

V7_SOURCES = """
ALTER TABLE articles ADD COLUMN series TEXT;

CREATE TABLE sources (
    url            TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('feed', 'calendar')),
    series         TEXT,
    name           TEXT,
    etag           TEXT,
    last_modified  TEXT,
    last_polled    TEXT,
    last_success   TEXT,
    last_error     TEXT,
    item_count     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE feed_items (
    source_url     TEXT NOT NULL REFERENCES sources (url) ON DELETE CASCADE,
    guid           TEXT NOT NULL,
    canonical_url  TEXT,
    article_path   TEXT NOT NULL,
    content_hash   TEXT NOT NULL,
    seen_at        TEXT NOT NULL,
    PRIMARY KEY (source_url, guid)
);
CREATE INDEX feed_items_canonical ON feed_items (canonical_url);
CREATE INDEX feed_items_article ON feed_items (article_path);

CREATE TABLE calendar_events (
    source_url  TEXT NOT NULL REFERENCES sources (url) ON DELETE CASCADE,
    feed_uid    TEXT NOT NULL,
    event_uid   TEXT NOT NULL,
    series      TEXT NOT NULL,
    event       TEXT NOT NULL,
    cancelled   INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (source_url, feed_uid)
);
"""
"""Polled sources (news feeds, calendar subscriptions) with their conditional-GET validators and
health, the feed items seen (by GUID and canonical URL, so an item is ingested once), the events
each subscribed calendar holds (JSON), and the series of an article."""

V8_DELIVERY_AT_SCALE = """
UPDATE outbox SET status = 'pending' WHERE status = 'late' AND sent_at IS NULL;
ALTER TABLE outbox ADD COLUMN retry_at TEXT;
CREATE INDEX outbox_retry ON outbox (retry_at) WHERE retry_at IS NOT NULL;
ALTER TABLE guild_settings ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX guild_settings_change ON guild_settings (change_seq);
CREATE TABLE delivery_leases (
    shard       INTEGER PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  REAL NOT NULL
);
CREATE TABLE delivery_nodes (
    holder      TEXT PRIMARY KEY,
    shards      TEXT NOT NULL,
    expires_at  REAL NOT NULL
);
CREATE TABLE rate_limits (
    bucket      TEXT PRIMARY KEY,
    next_free   REAL NOT NULL
);
"""
"""Delivery at scale: a post waits for its retry time (not its due time) after a rate limit,
'late' is judged when a post is sent (unsent late rows become pending again), a settings
change stamp the owning process polls, delivery leases per shard (and the processes that want
them), and the shared rate-limit buckets."""

V9_FACT_EVIDENCE = """
ALTER TABLE results ADD COLUMN session TEXT;
ALTER TABLE results ADD COLUMN class TEXT;
ALTER TABLE results ADD COLUMN evidence TEXT;
ALTER TABLE lineups ADD COLUMN evidence TEXT;
ALTER TABLE quotes ADD COLUMN evidence TEXT;
"""
"""Each result's session (race, qualifying, Hyperpole, sprint) and class (GTP, LMP2...), and the
sentence every quote, line-up and result was read from (shown by /article)."""

V10_EVENT_LINEUPS = """
DROP INDEX lineups_car_event;
CREATE INDEX lineups_car_event ON lineups (car, event, season, article_id);
"""
"""A car's line-ups at an event, or naming none, with their seasons and articles from the index
alone (the line-ups naming no event are checked against their articles' mentions)."""

V11_SEASONS_BY_ID = """
CREATE INDEX IF NOT EXISTS lineups_id_season ON lineups (id, season, article_id);
CREATE INDEX IF NOT EXISTS results_id_season ON results (id, season);
"""
"""The seasons of many line-ups or results named by id (a driver's), looked up in a few
megabytes instead of across the tables' rows."""

MIGRATIONS: tuple[str, ...] = (
    V1_ARTICLES_AND_FACTS,
    V2_GUILD_POSTS,
    V3_QUERY_INDEXES,
    V4_SERVER_CHOICES,
    V5_CONSOLE_PLACES,
    V6_DISCORD_STATE,
    V7_SOURCES,
    V8_DELIVERY_AT_SCALE,
    V9_FACT_EVIDENCE,
    V10_EVENT_LINEUPS,
    V11_SEASONS_BY_ID,
)
