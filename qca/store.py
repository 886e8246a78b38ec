"""The project file: one SQLite database, wrapped by :class:`Project`.

A project holds sources (a survey row or a protocol document), segments (the unit of
coding), the codebook and its versions, codings, per-coder notes (memo, flag), and an
append-only event log. The schema grows only through the numbered migrations below.

This module owns every write. Other modules read with SQL where it suits them, but change a
project only through the named operations of :class:`Project` (``put_coding``,
``add_codings``, ``set_note``, ``add_sources``, ``record_import``, ``log``, ...), which take
the row types defined here; a test scans the package for SQL that writes anywhere else. The
events' payloads are defined in :mod:`qca.events`. A new column is a migration here, a field
of its row type, and its converter and writer beside them.

Durability and concurrency: the database runs in WAL mode with ``synchronous=FULL``, so a
change is on disk when its transaction commits. Every write runs in ``BEGIN IMMEDIATE``,
so concurrent writers (several coders on one server) queue behind SQLite's lock instead of
failing half-way; a writer waits up to :data:`BUSY_TIMEOUT` seconds for the lock.

Nothing here connects at import time; open a project with :meth:`Project.open` or
:meth:`Project.create`. A :class:`Project` belongs to one thread at a time.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

import sqlite_utils
from sqlite_utils.migrations import Migrations

from qca.codebook import Category, Codebook, codebook_from_dict, codebook_to_dict
from qca.errors import CodebookError, InputError, ProjectError, QcaError
from qca.events import (
    CodebookSaved,
    CodingState,
    DictionaryApplied,
    Origin,
    Payload,
    ProjectCreated,
    decode,
    dumps,
    loads,
)
from qca.i18n import _, ngettext

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT",
    "Coding",
    "Event",
    "ImportScratch",
    "Note",
    "Project",
    "SCHEMA_VERSION",
    "Segment",
    "Source",
    "TextRewrite",
    "now",
    "rewrite_texts",
]

APPLICATION_ID = 0x51434131  # "QCA1": marks the SQLite file as a qca project
BUSY_TIMEOUT = 15.0
_SQLITE_MAGIC = b"SQLite format 3\x00"
_to_json = json.JSONEncoder(ensure_ascii=False).encode

migrations = Migrations("qca")


@migrations(name="0001_initial")
def _m0001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('survey', 'protocol')),
            name TEXT NOT NULL,
            variables TEXT NOT NULL DEFAULT '{}',
            import_id INTEGER
        );
        CREATE TABLE segments (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            source_id TEXT NOT NULL REFERENCES sources(id),
            question TEXT,
            position INTEGER NOT NULL,
            heading TEXT,
            text TEXT NOT NULL,
            substantive INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX segments_question ON segments(question, seq);
        CREATE INDEX segments_source ON segments(source_id, position);
        CREATE TABLE codebook_versions (
            version INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            author TEXT NOT NULL,
            note TEXT NOT NULL,
            codebook TEXT NOT NULL
        );
        CREATE TABLE categories (
            key TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            parent TEXT,
            name TEXT NOT NULL,
            definition TEXT NOT NULL DEFAULT '',
            anchors TEXT NOT NULL DEFAULT '[]',
            rule TEXT NOT NULL DEFAULT '',
            shortcut TEXT,
            color TEXT,
            questions TEXT NOT NULL DEFAULT '[]',
            codable INTEGER
        );
        CREATE TABLE codings (
            segment_id TEXT NOT NULL REFERENCES segments(id),
            category TEXT NOT NULL REFERENCES categories(key) DEFERRABLE INITIALLY DEFERRED,
            coder TEXT NOT NULL,
            origin TEXT NOT NULL
                CHECK (origin IN ('manual', 'suggestion', 'imported', 'consensus')),
            codebook_version INTEGER,
            created_at TEXT NOT NULL,
            memo TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (segment_id, category, coder)
        ) WITHOUT ROWID;
        CREATE INDEX codings_coder ON codings(coder, segment_id);
        CREATE INDEX codings_category ON codings(category);
        CREATE TABLE notes (
            segment_id TEXT NOT NULL REFERENCES segments(id),
            coder TEXT NOT NULL,
            memo TEXT NOT NULL DEFAULT '',
            flagged INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (segment_id, coder)
        ) WITHOUT ROWID;
        CREATE TABLE coders (
            name TEXT PRIMARY KEY,
            last_segment TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            options TEXT NOT NULL DEFAULT '{}',
            n_sources INTEGER NOT NULL,
            n_segments INTEGER NOT NULL
        );
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            before TEXT,
            after TEXT,
            ref INTEGER
        );
        CREATE INDEX events_actor ON events(actor, id);
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        """
    )


@migrations(name="0002_features")
def _m0002_features(db: sqlite_utils.Database) -> None:
    # Linguistic features per segment (qca.nlp): recomputed when pipeline or digest change.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS features (
            segment_id TEXT PRIMARY KEY,
            pipeline TEXT NOT NULL,
            digest TEXT NOT NULL,
            lemmas TEXT NOT NULL
        ) WITHOUT ROWID;
        """
    )


@migrations(name="0003_source_texts")
def _m0003_source_texts(db: sqlite_utils.Database) -> None:
    # A source's whole text as its segments were cut from it (protocol documents, sources
    # from a .qdpx), headings and all, and where each segment lies in it: code-point
    # offsets, text[start_position:end_position] == the segment's text. Sources without a
    # row here (survey answers, projects from before this migration) have no such text; an
    # export rebuilds one from their segments.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS source_texts (
            source_id TEXT PRIMARY KEY REFERENCES sources(id),
            text TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS segment_spans (
            segment_id TEXT PRIMARY KEY REFERENCES segments(id),
            start_position INTEGER NOT NULL CHECK (start_position >= 0),
            end_position INTEGER NOT NULL CHECK (end_position >= start_position)
        ) WITHOUT ROWID;
        """
    )


@migrations(name="0004_search")
def _m0004_search(db: sqlite_utils.Database) -> None:
    # Full-text search (qca.search): every segment's text folded (qca.folding: case,
    # umlauts, accents) in an FTS5 table with the trigram tokenizer, so a word is found
    # anywhere, also inside a compound. Its rowid is the segment's seq (stable, unlike a
    # rowid). A new or changed segment is queued in search_pending by the triggers and
    # indexed in one statement when its transaction commits (Project.transaction): FTS5
    # written row by row from a trigger flushes its buffers at every statement, 10-20x
    # slower for an import. A deleted segment leaves the index at once.
    db.executescript(
        """
        CREATE VIRTUAL TABLE IF NOT EXISTS segment_search USING fts5(
            folded, tokenize = 'trigram'
        );
        CREATE TABLE IF NOT EXISTS search_pending (seq INTEGER PRIMARY KEY);
        CREATE TRIGGER IF NOT EXISTS segments_search_insert AFTER INSERT ON segments BEGIN
            INSERT OR IGNORE INTO search_pending (seq) VALUES (new.seq);
        END;
        CREATE TRIGGER IF NOT EXISTS segments_search_update
            AFTER UPDATE OF text, seq ON segments BEGIN
            DELETE FROM segment_search WHERE rowid = old.seq;
            DELETE FROM search_pending WHERE seq = old.seq;
            INSERT OR IGNORE INTO search_pending (seq) VALUES (new.seq);
        END;
        CREATE TRIGGER IF NOT EXISTS segments_search_delete AFTER DELETE ON segments BEGIN
            DELETE FROM segment_search WHERE rowid = old.seq;
            DELETE FROM search_pending WHERE seq = old.seq;
        END;
        DELETE FROM segment_search;
        INSERT INTO segment_search (rowid, folded) SELECT seq, qca_fold(text) FROM segments;
        """
    )


@migrations(name="0005_dictionary_origin")
def _m0005_dictionary_origin(db: sqlite_utils.Database) -> None:
    # Codings proposed by a keyword dictionary (qca autocode) carry origin 'dictionary'.
    # SQLite cannot change a CHECK constraint in place, so the table is rebuilt.
    db.executescript(
        """
        CREATE TABLE codings_new (
            segment_id TEXT NOT NULL REFERENCES segments(id),
            category TEXT NOT NULL REFERENCES categories(key) DEFERRABLE INITIALLY DEFERRED,
            coder TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN
                ('manual', 'suggestion', 'imported', 'consensus', 'dictionary')),
            codebook_version INTEGER,
            created_at TEXT NOT NULL,
            memo TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (segment_id, category, coder)
        ) WITHOUT ROWID;
        INSERT INTO codings_new (segment_id, category, coder, origin, codebook_version,
                                 created_at, memo)
            SELECT segment_id, category, coder, origin, codebook_version, created_at, memo
            FROM codings;
        DROP TABLE codings;
        ALTER TABLE codings_new RENAME TO codings;
        CREATE INDEX codings_coder ON codings(coder, segment_id);
        CREATE INDEX codings_category ON codings(category);
        """
    )


@migrations(name="0006_indexes")
def _m0006_indexes(db: sqlite_utils.Database) -> None:
    # Covering indexes for what reads every segment: the coding screen's list (all, or one
    # question's, in seq order) is read from the index alone, never from the table and its
    # texts, so a million segments load in a fraction of a second.
    db.executescript(
        """
        CREATE INDEX IF NOT EXISTS segments_list ON segments(seq, id, substantive);
        CREATE INDEX IF NOT EXISTS segments_question_list
            ON segments(question, seq, id, substantive);
        """
    )


@migrations(name="0007_questions_and_imports")
def _m0007_questions_and_imports(db: sqlite_utils.Database) -> None:
    # Which import added a segment (so 'qca imports remove' can take exactly that back;
    # older segments are given their source's import), and the names a question had before
    # 'qca questions rename' (a re-import of the same file then lands in the renamed
    # question; segment ids never change).
    db.executescript(
        """
        ALTER TABLE segments ADD COLUMN import_id INTEGER;
        UPDATE segments SET import_id =
            (SELECT import_id FROM sources WHERE sources.id = segments.source_id);
        CREATE INDEX IF NOT EXISTS segments_import ON segments(import_id);
        CREATE TABLE IF NOT EXISTS question_aliases (
            alias TEXT PRIMARY KEY,
            question TEXT NOT NULL
        );
        """
    )


@migrations(name="0008_segment_vectors")
def _m0008_segment_vectors(db: sqlite_utils.Database) -> None:
    # Sentence vectors of segments (qca.suggest.vectors), one row per segment and model:
    # float32 values as a blob of ``dim`` * 4 bytes, with the digest of the text they were
    # computed from (a rewritten text gets a new vector).
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS segment_vectors (
            segment_id TEXT NOT NULL,
            model TEXT NOT NULL,
            digest TEXT NOT NULL,
            dim INTEGER NOT NULL CHECK (dim > 0),
            vector BLOB NOT NULL CHECK (length(vector) = 4 * dim),
            PRIMARY KEY (segment_id, model)
        ) WITHOUT ROWID;
        """
    )


SCHEMA_VERSION = len(migrations._migrations)


def now() -> str:
    """The current time as ISO 8601 in UTC with milliseconds (sorts as text)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# The row types a project is read and written as. Sources, segments and codings are
# NamedTuples: immutable like frozen dataclasses, and cheap enough to build by the hundred
# thousand (an import writes, a coding screen reads that many).


class Source(NamedTuple):
    """A survey respondent or a protocol document; ``variables`` by name."""

    id: str
    kind: str
    name: str
    variables: dict[str, str]


class Segment(NamedTuple):
    """The unit of coding: an answer to a question, or a passage of a protocol."""

    id: str
    seq: int
    source_id: str
    question: str | None
    position: int
    heading: str | None
    text: str
    substantive: bool = True


class Coding(NamedTuple):
    """One coder's assignment of one category to one segment."""

    segment_id: str
    category: str
    coder: str
    origin: str
    codebook_version: int | None
    created_at: str
    memo: str = ""

    @property
    def state(self) -> CodingState:
        """The coding as an event records it."""
        return CodingState(self.origin, self.codebook_version, self.created_at, self.memo)

    @classmethod
    def of(cls, segment_id: str, category: str, coder: str, state: CodingState) -> Coding:
        """The coding an event's ``state`` describes."""
        return cls(segment_id, category, coder, state.origin, state.codebook_version,
                   state.created_at, state.memo)


@dataclass(frozen=True)
class Note:
    """A coder's memo and flag on a segment (a coder without a row has neither)."""

    segment_id: str
    coder: str
    memo: str
    flagged: bool
    updated_at: str


@dataclass(frozen=True)
class Event:
    """One row of the event log, ``before`` and ``after`` decoded from JSON; its typed
    payload is :meth:`payload`."""

    id: int
    at: str
    actor: str
    action: str
    target: str
    before: Any
    after: Any
    ref: int | None

    def payload(self) -> Payload:
        """What this event records (see :func:`qca.events.decode`)."""
        return decode(self, event_id=self.id)


def segment_from_row(row: dict[str, Any]) -> Segment:
    return Segment(
        id=row["id"],
        seq=row["seq"],
        source_id=row["source_id"],
        question=row["question"],
        position=row["position"],
        heading=row["heading"],
        text=row["text"],
        substantive=bool(row["substantive"]),
    )


def source_from_row(row: dict[str, Any]) -> Source:
    return Source(
        id=row["id"], kind=row["kind"], name=row["name"], variables=json.loads(row["variables"])
    )


def coding_from_row(row: dict[str, Any]) -> Coding:
    return Coding(
        segment_id=row["segment_id"],
        category=row["category"],
        coder=row["coder"],
        origin=row["origin"],
        codebook_version=row["codebook_version"],
        created_at=row["created_at"],
        memo=row["memo"],
    )


def note_from_row(row: dict[str, Any]) -> Note:
    return Note(
        segment_id=row["segment_id"],
        coder=row["coder"],
        memo=row["memo"],
        flagged=bool(row["flagged"]),
        updated_at=row["updated_at"],
    )


def _dict_rows(conn: sqlite3.Connection, sql: str) -> Iterator[dict[str, Any]]:
    cur = conn.execute(sql)
    names = [d[0] for d in cur.description]
    for values in cur:
        yield dict(zip(names, values))


def read_codings(conn: sqlite3.Connection) -> list[Coding]:
    """Every coding of the project file behind ``conn`` (also another one, opened read-only
    for a merge), ordered by segment, coder and category."""
    return [coding_from_row(r) for r in _dict_rows(
        conn, "SELECT * FROM codings ORDER BY segment_id, coder, category")]


def read_notes(conn: sqlite3.Connection) -> list[Note]:
    """Every note of the project file behind ``conn``, ordered by segment and coder."""
    return [note_from_row(r) for r in _dict_rows(
        conn, "SELECT * FROM notes ORDER BY segment_id, coder")]


def event_from_row(row: dict[str, Any]) -> Event:
    return Event(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        target=row["target"],
        before=loads(row["before"]),
        after=loads(row["after"]),
        ref=row["ref"],
    )


def _category_rows(book: Codebook) -> list[dict[str, Any]]:
    return [
        {
            "key": cat.key,
            "position": pos,
            "parent": cat.parent,
            "name": cat.name,
            "definition": cat.definition,
            "anchors": json.dumps(cat.anchors, ensure_ascii=False),
            "rule": cat.rule,
            "shortcut": cat.shortcut,
            "color": cat.color,
            "questions": json.dumps(cat.questions, ensure_ascii=False),
            "codable": None if cat.codable is None else int(cat.codable),
        }
        for pos, cat in enumerate(book.walk())
    ]


def _define_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the store calls (``qca_fold`` indexes segments: migration 0004_search)."""
    from qca.folding import fold_text

    conn.create_function("qca_fold", 1, fold_text, deterministic=True)


def _is_disk_full(exc: sqlite3.Error) -> bool:
    return "full" in str(exc).lower()


def _identify_project(path: Path) -> None:
    """Raise ``ProjectError`` unless ``path`` is a qca project, reading it only.

    Runs before any connection, pragma or write, so that another application's file (or a
    folder) is left byte-identical: the SQLite header's magic and ``application_id`` (bytes
    68-71) decide. Only when the header is not ours but a ``-wal`` file beside it may hold a
    newer first page is the file asked, read-only, for its ``application_id`` and schema.
    """
    if path.is_dir():
        raise ProjectError(_("{path}: is a folder, not a qca project file; give the .qca file")
                           .format(path=path))
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except FileNotFoundError:
        raise ProjectError(_("{path}: no such project; create it with 'qca init {path}'")
                           .format(path=path)) from None
    except OSError as exc:
        raise ProjectError(_("{path}: cannot read ({strerror}); check the permissions")
                           .format(path=path, strerror=exc.strerror)) from None
    if not header.startswith(_SQLITE_MAGIC):
        raise ProjectError(
            _("{path}: not a qca project (not an SQLite file); create one with 'qca init'")
            .format(path=path)
        )
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID and Path(f"{path}-wal").exists():
        try:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
                has_schema = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'"
                ).fetchone()
            if not has_schema:
                app_id = 0
        except sqlite3.Error:
            app_id = 0
    if app_id != APPLICATION_ID:
        raise ProjectError(
            _("{path}: an SQLite file of another application, not a qca project; qca leaves "
              "it untouched (create a project with 'qca init')").format(path=path)
        )


class Project:
    """An open project file. Use :meth:`create` or :meth:`open`, and close it when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._codebook: Codebook | None = None
        self._codebook_version: int | None = None
        self._search_ready: bool | None = None  # whether migration 0004_search is applied

    # --- opening -----------------------------------------------------------------------

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            conn.close()
            raise ProjectError(
                _("{path}: cannot switch the project to WAL mode (got {mode}); "
                  "put the project on a local disk").format(path=path, mode=mode)
            )
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        _define_functions(conn)
        return conn

    @classmethod
    def create(cls, path: Path | str, *, name: str | None = None) -> Project:
        """Create a new, empty project file; refuse to overwrite anything."""
        path = Path(path)
        if path.is_dir():
            raise ProjectError(_("{path}: is a folder; give the project a file name, "
                                 "e.g. {example}").format(path=path, example=path / "study.qca"))
        if path.exists():
            raise ProjectError(_("{path}: file exists already; choose another name or delete it")
                               .format(path=path))
        if not path.parent.exists():
            raise ProjectError(_("{path}: folder {parent} does not exist; create it first")
                               .format(path=path, parent=path.parent))
        try:
            conn = cls._connect(path)
        except sqlite3.Error as exc:
            raise ProjectError(_("{path}: cannot create the project ({exc})")
                               .format(path=path, exc=exc)) from None
        project = cls(path, conn)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrations.apply(project.db)
            with project.transaction():
                project.db.table("meta").insert_all(
                    [
                        {"key": "name", "value": name or path.stem},
                        {"key": "created_at", "value": now()},
                        {"key": "variables", "value": "[]"},
                    ]
                )
                project.log("system", ProjectCreated(path.name))
        except BaseException:
            conn.close()
            with contextlib.suppress(OSError):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        return project

    @classmethod
    def open(cls, path: Path | str) -> Project:
        """Open an existing project, applying pending migrations."""
        path = Path(path)
        _identify_project(path)
        try:
            conn = cls._connect(path)
        except sqlite3.Error as exc:
            raise ProjectError(_("{path}: cannot open the project ({exc})")
                               .format(path=path, exc=exc)) from None
        project = cls(path, conn)
        known = {m.name for m in migrations._migrations}
        applied = {m.name for m in migrations.applied(project.db)}
        if applied - known:
            conn.close()
            raise ProjectError(
                _("{path}: made by a newer qca (schema {items}); "
                  "upgrade qca to open it")
                .format(path=path, items=', '.join(sorted(applied - known)))
            )
        if migrations.pending(project.db):
            try:
                migrations.apply(project.db)
            except sqlite3.Error as exc:
                conn.close()
                raise ProjectError(_("{path}: cannot upgrade the project ({exc})")
                                   .format(path=path, exc=exc)) from None
        return project

    def close(self) -> None:
        self.conn.close()

    def copy_to(self, dest: Path | str) -> Path:
        """Write a consistent snapshot of the project to the new file ``dest``.

        Uses SQLite's online backup, so the copy holds every committed change, also those
        still in the ``-wal`` file while others code, and nobody has to stop. The copy is
        one self-contained file (for a coder who works offline; ``qca merge`` brings the
        work back). It is written beside ``dest`` and renamed into place when complete.

        Raises:
            ProjectError: ``dest`` exists, its folder is missing, or writing failed (the
                project is never changed).
        """
        dest = Path(dest)
        if dest.exists():
            raise ProjectError(_("{dest}: file exists already; choose another name or delete it")
                               .format(dest=dest))
        if not dest.parent.is_dir():
            raise ProjectError(_("{dest}: folder {parent} does not exist; create it first")
                               .format(dest=dest, parent=dest.parent))
        tmp = dest.with_name(f".{dest.name}.tmp")
        try:
            target = sqlite3.connect(str(tmp))
            try:
                self.conn.backup(target)
                target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                target.close()  # the last connection: SQLite folds and removes tmp's -wal
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, dest)
        except (sqlite3.Error, OSError) as exc:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
            raise ProjectError(_("{dest}: cannot write the copy ({exc}); "
                                 "check free space and permissions")
                               .format(dest=dest, exc=exc)) from None
        return dest

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions and the event log ------------------------------------------------

    @contextlib.contextmanager
    def reading(self) -> Iterator[Project]:
        """Several reads that see one state of the project (a read transaction, no write).

        Nested in a :meth:`transaction` (or another ``reading``) it joins it.
        """
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield self
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Project]:
        """One atomic write: ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error.

        Nested use joins the outer transaction. SQLite errors become :class:`ProjectError`
        with a message a user can act on (busy, disk full, read-only).
        """
        if self.conn.in_transaction:
            yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._friendly(exc) from None
        try:
            yield self
            self._index_pending()
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._friendly(exc) from None
            raise

    def _index_pending(self) -> None:
        """Index the segments queued since the last commit (migration 0004_search)."""
        if self._search_ready is None:
            self._search_ready = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'search_pending'").fetchone() is not None
        if not self._search_ready:
            return
        if self.conn.execute("SELECT 1 FROM search_pending LIMIT 1").fetchone() is None:
            return
        self.conn.execute(
            "INSERT INTO segment_search (rowid, folded) SELECT s.seq, qca_fold(s.text) "
            "FROM search_pending p JOIN segments s ON s.seq = p.seq")
        self.conn.execute("DELETE FROM search_pending")

    def _friendly(self, exc: sqlite3.Error) -> QcaError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return ProjectError(
                _("{path}: the project stayed busy for {busy_timeout:.0f} s (another "
                  "process is writing); nothing was changed, try again")
                .format(path=self.path, busy_timeout=BUSY_TIMEOUT)
            )
        if _is_disk_full(exc):
            return ProjectError(
                _("{path}: the disk is full; nothing was changed, free some space and retry")
                .format(path=self.path)
            )
        if "readonly" in text or "read-only" in text:
            return ProjectError(
                _("{path}: the project is read-only; nothing was changed, check permissions")
                .format(path=self.path)
            )
        return ProjectError(_("{path}: database error ({text}); nothing was changed")
                            .format(path=self.path, text=text))

    def log(self, actor: str, payload: Payload) -> int:
        """Append one event (see :mod:`qca.events`); call inside :meth:`transaction`.

        Returns the event id.
        """
        columns = payload.to_json()
        cur = self.conn.execute(
            "INSERT INTO events (at, actor, action, target, before, after, ref) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now(), actor, str(payload.ACTION), columns.target, dumps(columns.before),
             dumps(columns.after), columns.ref),
        )
        return int(cur.lastrowid or 0)

    def events(self, actor: str | None = None, since: int = 0) -> list[Event]:
        sql = "SELECT * FROM events WHERE id > ?"
        params: list[Any] = [since]
        if actor is not None:
            sql += " AND actor = ?"
            params.append(actor)
        return [event_from_row(r) for r in self.db.query(sql + " ORDER BY id", params)]

    def event(self, event_id: int) -> Event | None:
        rows = list(self.db.query("SELECT * FROM events WHERE id = ?", [event_id]))
        return event_from_row(rows[0]) if rows else None

    # --- meta ---------------------------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def name(self) -> str:
        return self.meta("name") or self.path.stem

    def variable_names(self) -> list[str]:
        """Names of the sources' variables in the order they were first imported."""
        return list(json.loads(self.meta("variables") or "[]"))

    def add_variable_names(self, names: list[str]) -> None:
        known = self.variable_names()
        new = [n for n in names if n not in known]
        if new:
            self.set_meta("variables", json.dumps(known + new, ensure_ascii=False))

    # --- codebook ----------------------------------------------------------------------

    def codebook_version(self) -> int:
        row = self.conn.execute("SELECT MAX(version) FROM codebook_versions").fetchone()
        return int(row[0] or 0)

    def codebook(self) -> Codebook:
        """The current codebook (cached until the next codebook change on this handle)."""
        version = self.codebook_version()
        if self._codebook is None or self._codebook_version != version:
            if version == 0:
                self._codebook = Codebook(name="(no codebook)")
            else:
                row = self.conn.execute(
                    "SELECT codebook FROM codebook_versions WHERE version = ?", (version,)
                ).fetchone()
                self._codebook = codebook_from_dict(json.loads(row[0]), where="project codebook")
            self._codebook_version = version
        return self._codebook

    def codebook_at(self, version: int) -> Codebook:
        row = self.conn.execute(
            "SELECT codebook FROM codebook_versions WHERE version = ?", (version,)
        ).fetchone()
        if row is None:
            raise CodebookError(_("{path}: there is no codebook version {version}")
                                .format(path=self.path, version=version))
        return codebook_from_dict(json.loads(row[0]), where=f"codebook version {version}")

    def codebook_versions(self) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT version, created_at, author, note FROM codebook_versions ORDER BY version"
            )
        )

    def save_codebook(self, book: Codebook, *, author: str, note: str) -> int:
        """Store ``book`` as a new codebook version; call inside :meth:`transaction`.

        Refuses a codebook that would leave codings on categories it no longer has. A book
        equal to the current version stores nothing and returns that version's number.
        """
        book.validate("codebook")
        current = self.codebook_version()
        if current and book == self.codebook():
            return current
        keys = set(book.keys())
        orphans = [
            (row[0], row[1])
            for row in self.conn.execute(
                "SELECT category, COUNT(*) FROM codings GROUP BY category"
            )
            if row[0] not in keys
        ]
        if orphans:
            listed = ", ".join(ngettext("{key} ({n} coding)", "{key} ({n} codings)", n).format(key=k, n=n)
                               for k, n in orphans[:5])
            raise CodebookError(
                _("the new codebook lacks categories that have codings: {listed}; keep them, "
                  "or use 'qca codebook merge' to move their codings first").format(listed=listed)
            )
        version = self.codebook_version() + 1
        self.conn.execute(
            "INSERT INTO codebook_versions (version, created_at, author, note, codebook) "
            "VALUES (?, ?, ?, ?, ?)",
            (version, now(), author, note,
             json.dumps(codebook_to_dict(book), ensure_ascii=False)),
        )
        self.conn.execute("DELETE FROM categories")
        self.db.table("categories").insert_all(_category_rows(book))
        self.log(author, CodebookSaved(version, note))
        self._codebook = None
        return version

    def save_codebook_repointed(
        self, book: Codebook, moves: dict[str, str], *, author: str, note: str
    ) -> int:
        """Save ``book`` after moving codings from old keys to new ones (inside a transaction).

        Where a coder already has the target category on a segment, the moved coding
        collapses into it.
        """
        for old, new in moves.items():
            if old == new:
                continue
            self.conn.execute(
                "DELETE FROM codings WHERE category = ? AND EXISTS (SELECT 1 FROM codings c2 "
                "WHERE c2.segment_id = codings.segment_id AND c2.coder = codings.coder "
                "AND c2.category = ?)",
                (old, new),
            )
            self.conn.execute("UPDATE codings SET category = ? WHERE category = ?", (new, old))
        return self.save_codebook(book, author=author, note=note)

    def category_usage(self, coder: str | None = None) -> dict[str, int]:
        """How many segments carry each category (for one coder, or over all coders)."""
        if coder is None:
            rows = self.conn.execute(
                "SELECT category, COUNT(DISTINCT segment_id) FROM codings GROUP BY category"
            )
        else:
            rows = self.conn.execute(
                "SELECT category, COUNT(*) FROM codings WHERE coder = ? GROUP BY category",
                (coder,),
            )
        return {k: n for k, n in rows}

    # --- sources and segments ----------------------------------------------------------

    def source(self, source_id: str) -> Source | None:
        rows = list(self.db.query("SELECT * FROM sources WHERE id = ?", [source_id]))
        return source_from_row(rows[0]) if rows else None

    def sources(self) -> list[Source]:
        return [source_from_row(r) for r in self.db.query("SELECT * FROM sources ORDER BY rowid")]

    def segment(self, segment_id: str) -> Segment | None:
        rows = list(self.db.query("SELECT * FROM segments WHERE id = ?", [segment_id]))
        return segment_from_row(rows[0]) if rows else None

    def segments(self, question: str | None = None) -> list[Segment]:
        if question is None:
            rows = self.db.query("SELECT * FROM segments ORDER BY seq")
        else:
            rows = self.db.query("SELECT * FROM segments WHERE question = ? ORDER BY seq", [question])
        return [segment_from_row(r) for r in rows]

    def questions(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT question FROM segments WHERE question IS NOT NULL "
            "GROUP BY question ORDER BY MIN(seq)"
        )
        return [r[0] for r in rows]

    def require_question(self, question: str | None) -> None:
        """Raise :class:`InputError` naming the known questions unless ``question`` (a
        question a command or screen was asked to show) has segments here; None passes."""
        if question is None:
            return
        questions = self.questions()
        if question not in questions:
            listed = ", ".join(questions) or _("none yet (import a survey or protocol first)")
            raise InputError(_("question {question!r} is not in {project}; "
                               "questions are: {listed}")
                             .format(question=question, project=self.path.name, listed=listed))

    def require_variables(self, names: Iterable[str]) -> None:
        """Raise :class:`InputError` naming the known variables unless every one of
        ``names`` is a variable of this project's sources."""
        known = self.variable_names()
        for name in names:
            if name not in known:
                listed = ", ".join(known) or _("none (import a survey with variables first)")
                raise InputError(_("variable {variable!r} is not in {project}; "
                                   "variables are: {listed}")
                                 .format(variable=name, project=self.path.name, listed=listed))

    def next_seq(self) -> int:
        row = self.conn.execute("SELECT MAX(seq) FROM segments").fetchone()
        return int(row[0] or 0) + 1

    def count(self, table: str) -> int:
        return int(self.conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])

    # --- codings -----------------------------------------------------------------------

    def codings(self, coder: str | None = None, segment_id: str | None = None) -> list[Coding]:
        sql = "SELECT * FROM codings WHERE 1=1"
        params: list[Any] = []
        if coder is not None:
            sql += " AND coder = ?"
            params.append(coder)
        if segment_id is not None:
            sql += " AND segment_id = ?"
            params.append(segment_id)
        return [coding_from_row(r) for r in self.db.query(sql, params)]

    def coders(self) -> list[str]:
        """Everyone with codings or a place in the ``coders`` table, sorted."""
        named = [r[0] for r in self.conn.execute("SELECT name FROM coders")]
        return sorted({*self.coding_coders(), *named})

    def coding_coders(self) -> list[str]:
        """The coders with at least one coding, sorted.

        A skip scan of the index ``codings_coder``: one seek per coder, not a pass over
        every coding (a million codings cost as little as ten).
        """
        return [r[0] for r in self.conn.execute(
            "WITH RECURSIVE c(coder) AS (SELECT MIN(coder) FROM codings UNION ALL "
            "SELECT (SELECT MIN(coder) FROM codings WHERE coder > c.coder) FROM c "
            "WHERE c.coder IS NOT NULL) SELECT coder FROM c WHERE coder IS NOT NULL")]

    def category(self, key: str) -> Category | None:
        return self.codebook().get(key)

    # --- dictionary codings (qca autocode) -------------------------------------------------

    def add_dictionary_codings(
        self, coder: str, pairs: list[tuple[str, str]], *, dictionary: str
    ) -> int:
        """Add ``coder``'s codings (segment, category) with origin ``dictionary``, as ONE
        ``autocode`` event (:class:`~qca.events.DictionaryApplied`) in one transaction;
        returns the event id.

        Pairs the coder has already are skipped. The event lists the codings added, so undo
        (:mod:`qca.coding`) removes exactly those.
        """
        with self.transaction():
            version = self.codebook_version()
            stamp = now()
            added = [
                (seg, cat) for seg, cat in pairs
                if self.conn.execute(
                    "SELECT 1 FROM codings WHERE segment_id = ? AND category = ? AND coder = ?",
                    (seg, cat, coder)).fetchone() is None
            ]
            self.conn.executemany(
                "INSERT INTO codings (segment_id, category, coder, origin, codebook_version, "
                "created_at, memo) VALUES (?, ?, ?, 'dictionary', ?, ?, '')",
                [(seg, cat, coder, version, stamp) for seg, cat in added],
            )
            return self.log(coder, DictionaryApplied(dictionary, version, stamp, added))

    def set_dictionary_codings(self, coder: str, run: DictionaryApplied, present: bool) -> int:
        """Undo (``present`` False) or redo the codings of a dictionary run; call inside
        :meth:`transaction`. Removes only codings still of origin ``dictionary``; returns
        how many codings changed."""
        changed = 0
        for seg, cat in run.codings:
            if present:
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO codings (segment_id, category, coder, origin, "
                    "codebook_version, created_at, memo) VALUES (?, ?, ?, 'dictionary', ?, ?, '')",
                    (seg, cat, coder, run.codebook_version, run.created_at))
            else:
                cur = self.conn.execute(
                    "DELETE FROM codings WHERE segment_id = ? AND category = ? AND coder = ? "
                    "AND origin = 'dictionary'", (seg, cat, coder))
            changed += cur.rowcount
        return changed

    # --- writes: codings ---------------------------------------------------------------
    # Each write below belongs inside :meth:`transaction`; the caller logs the event.

    def coding(self, segment_id: str, category: str, coder: str) -> Coding | None:
        """One coder's coding of ``category`` on a segment, if there is one."""
        rows = list(self.db.query(
            "SELECT * FROM codings WHERE segment_id = ? AND category = ? AND coder = ?",
            [segment_id, category, coder],
        ))
        return coding_from_row(rows[0]) if rows else None

    def put_coding(self, coding: Coding) -> None:
        """Store ``coding``, replacing the coder's coding of that category on that segment."""
        self.conn.execute(
            "INSERT OR REPLACE INTO codings "
            "(segment_id, category, coder, origin, codebook_version, created_at, memo) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            _coding_row(coding),
        )

    def add_codings(self, codings: Iterable[Coding]) -> None:
        """Store new codings (each must not exist yet)."""
        self.conn.executemany(
            "INSERT INTO codings (segment_id, category, coder, origin, codebook_version, "
            "created_at, memo) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [_coding_row(c) for c in codings],
        )

    def remove_coding(self, segment_id: str, category: str, coder: str) -> None:
        """Remove one coder's coding of ``category`` on a segment (if there is one)."""
        self.remove_codings([(segment_id, category, coder)])

    def remove_codings(self, keys: Iterable[tuple[str, str, str]]) -> None:
        """Remove codings given as (segment, category, coder)."""
        self.conn.executemany(
            "DELETE FROM codings WHERE segment_id = ? AND category = ? AND coder = ?", list(keys)
        )

    # --- writes: notes and coders --------------------------------------------------------

    def note(self, segment_id: str, coder: str) -> Note | None:
        row = self.conn.execute(
            "SELECT memo, flagged, updated_at FROM notes WHERE segment_id = ? AND coder = ?",
            (segment_id, coder),
        ).fetchone()
        return Note(segment_id, coder, row[0], bool(row[1]), row[2]) if row else None

    def put_note(self, note: Note) -> None:
        """Store ``note`` as it is, replacing the coder's note on that segment."""
        self.conn.execute(
            "INSERT OR REPLACE INTO notes (segment_id, coder, memo, flagged, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (note.segment_id, note.coder, note.memo, int(note.flagged), note.updated_at),
        )

    def remove_note(self, segment_id: str, coder: str) -> None:
        self.conn.execute(
            "DELETE FROM notes WHERE segment_id = ? AND coder = ?", (segment_id, coder)
        )

    def set_note(self, segment_id: str, coder: str, memo: str, flagged: bool) -> None:
        """Set a coder's memo and flag on a segment now; neither removes the note."""
        if not memo and not flagged:
            self.remove_note(segment_id, coder)
        else:
            self.put_note(Note(segment_id, coder, memo, flagged, now()))

    def set_note_memo(self, segment_id: str, coder: str, memo: str, at: str) -> None:
        """Set a coder's memo on a segment, keeping the flag; the note stays also when
        ``memo`` is empty (a consensus note records that a segment was decided)."""
        self.conn.execute(
            "INSERT INTO notes (segment_id, coder, memo, flagged, updated_at) "
            "VALUES (?, ?, ?, 0, ?) ON CONFLICT(segment_id, coder) DO UPDATE SET "
            "memo = excluded.memo, updated_at = excluded.updated_at",
            (segment_id, coder, memo, at),
        )

    def flag_for_review(self, pairs: Iterable[tuple[str, str]], memo: str, at: str) -> None:
        """Flag each (segment, coder) and add ``memo`` to the end of the coder's memo."""
        self.conn.executemany(
            "INSERT INTO notes (segment_id, coder, memo, flagged, updated_at) "
            "VALUES (?, ?, ?, 1, ?) ON CONFLICT(segment_id, coder) DO UPDATE SET "
            "flagged = 1, memo = TRIM(notes.memo || ' ' || excluded.memo), "
            "updated_at = excluded.updated_at",
            [(seg, coder, memo, at) for seg, coder in pairs],
        )

    def set_resume_point(self, coder: str, segment_id: str) -> None:
        """Remember the segment ``coder`` worked on last (where the coding screen resumes)."""
        self.conn.execute(
            "INSERT INTO coders (name, last_segment, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET last_segment = excluded.last_segment, "
            "updated_at = excluded.updated_at",
            (coder, segment_id, now()),
        )

    def add_coders(self, names: Iterable[str]) -> None:
        """Make ``names`` known coders (no resume point); known ones stay as they are."""
        self.conn.executemany(
            "INSERT INTO coders (name, last_segment, updated_at) VALUES (?, NULL, ?) "
            "ON CONFLICT(name) DO NOTHING",
            [(name, now()) for name in names],
        )

    # --- writes: imports, sources, segments, texts ---------------------------------------

    def record_import(
        self, *, actor: str, kind: str, path: Path, sha256: str, options: dict[str, Any],
        n_sources: int, n_segments: int,
    ) -> int:
        """Record one import of the file ``path``; returns its id for the sources it adds."""
        cur = self.conn.execute(
            "INSERT INTO imports (at, actor, kind, path, sha256, options, n_sources, n_segments) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now(), actor, kind, str(path), sha256, json.dumps(options, ensure_ascii=False),
             n_sources, n_segments),
        )
        return int(cur.lastrowid or 0)

    def set_import_counts(self, import_id: int, n_sources: int, n_segments: int) -> None:
        """Set what an import added, once a streamed import knows it."""
        self.conn.execute("UPDATE imports SET n_sources = ?, n_segments = ? WHERE id = ?",
                          (n_sources, n_segments, import_id))

    def add_sources(self, sources: Iterable[Source], import_id: int) -> None:
        """Store new sources, added by the import ``import_id``."""
        self.conn.executemany(
            "INSERT INTO sources (id, kind, name, variables, import_id) VALUES (?, ?, ?, ?, ?)",
            [(s.id, str(s.kind), s.name, _to_json(s.variables), import_id) for s in sources],
        )

    def set_source_variables(self, values: Iterable[tuple[str, dict[str, str]]]) -> None:
        """Replace the variables of sources, given as (source id, variables)."""
        self.conn.executemany(
            "UPDATE sources SET variables = ? WHERE id = ?",
            [(_to_json(v), sid) for sid, v in values],
        )

    def add_segments(self, segments: Iterable[Segment], import_id: int | None = None) -> None:
        """Store new segments (their ``seq`` numbers must be free: see :meth:`next_seq`),
        added by import ``import_id`` (``qca imports remove`` takes exactly those back)."""
        self.conn.executemany(
            "INSERT INTO segments (id, seq, source_id, question, position, heading, text, "
            "substantive, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(s.id, s.seq, s.source_id, s.question, s.position, s.heading, s.text,
              int(s.substantive), import_id) for s in segments],
        )

    def source_text(self, source_id: str) -> str | None:
        """The whole text kept for a source, if one is."""
        row = self.conn.execute(
            "SELECT text FROM source_texts WHERE source_id = ?", (source_id,)
        ).fetchone()
        return row[0] if row else None

    def keep_source_text(self, source_id: str, text: str) -> None:
        """Keep ``text`` as the source's whole text (replacing a kept one)."""
        self.conn.execute(
            "INSERT INTO source_texts (source_id, text) VALUES (?, ?) "
            "ON CONFLICT(source_id) DO UPDATE SET text = excluded.text",
            (source_id, text),
        )

    def set_segment_spans(self, spans: Iterable[tuple[str, int, int]]) -> None:
        """Set where segments lie in their source's kept text: (segment, start, end)."""
        self.conn.executemany(
            "INSERT INTO segment_spans (segment_id, start_position, end_position) "
            "VALUES (?, ?, ?) ON CONFLICT(segment_id) DO UPDATE SET "
            "start_position = excluded.start_position, end_position = excluded.end_position",
            list(spans),
        )

    # --- writes: linguistic features -----------------------------------------------------

    def store_features(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        """Keep segments' linguistic features, given as (segment, pipeline, digest,
        lemmas JSON), replacing older ones (see :mod:`qca.nlp`)."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO features (segment_id, pipeline, digest, lemmas) "
            "VALUES (?, ?, ?, ?)",
            list(rows),
        )

    def store_vectors(self, rows: Iterable[tuple[str, str, str, int, bytes]]) -> None:
        """Keep segments' sentence vectors, given as (segment, model, digest, dim, float32
        bytes), replacing older ones of the same model (see :mod:`qca.suggest.vectors`)."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO segment_vectors (segment_id, model, digest, dim, vector) "
            "VALUES (?, ?, ?, ?, ?)",
            list(rows),
        )

    @contextlib.contextmanager
    def import_scratch(self) -> Iterator[ImportScratch]:
        """Scratch tables for one streamed import (see :class:`ImportScratch`), dropped after."""
        scratch = ImportScratch(self.conn)
        scratch.create()
        try:
            yield scratch
        finally:
            scratch.drop()


    # --- questions and imports (issue 11) -----------------------------------------------

    def question_aliases(self) -> dict[str, str]:
        """Names questions had before a rename, each mapped to the question's name now."""
        return dict(self.conn.execute("SELECT alias, question FROM question_aliases"))

    def rename_question(self, old: str | None, new: str) -> int:
        """Give the segments of question ``old`` (None: no question) the label ``new``.

        Segment ids stay as they are; ``old`` is remembered as an alias of ``new``, so a
        re-import of the same file lands in ``new``. Call inside :meth:`transaction`.
        Returns the number of segments relabelled.
        """
        if old is None:
            cur = self.conn.execute(
                "UPDATE segments SET question = ? WHERE question IS NULL", (new,))
            return cur.rowcount
        cur = self.conn.execute("UPDATE segments SET question = ? WHERE question = ?", (new, old))
        self.conn.execute("UPDATE question_aliases SET question = ? WHERE question = ?", (new, old))
        self.conn.execute("DELETE FROM question_aliases WHERE alias = ?", (new,))
        self.conn.execute(
            "INSERT INTO question_aliases (alias, question) VALUES (?, ?) "
            "ON CONFLICT(alias) DO UPDATE SET question = excluded.question", (old, new))
        return cur.rowcount

    def imports(self) -> list[dict[str, Any]]:
        """Every recorded import, oldest first, with the segments it holds now."""
        return list(self.db.query(
            "SELECT i.*, (SELECT COUNT(*) FROM segments s WHERE s.import_id = i.id) AS segments_now "
            "FROM imports i ORDER BY i.id"))

    def import_row(self, import_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM imports WHERE id = ?", [import_id]))
        return rows[0] if rows else None

    def remove_import(self, import_id: int) -> dict[str, Any]:
        """Delete what import ``import_id`` added: its segments (with their codings, notes,
        spans and features) and the sources left without segments. Call inside
        :meth:`transaction`. Returns what was removed, for the event's ``before``."""
        seg_ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM segments WHERE import_id = ? ORDER BY seq", (import_id,))]
        removed: dict[str, Any] = {"segments": seg_ids, "codings": [], "notes": []}
        for start in range(0, len(seg_ids), 900):
            chunk = seg_ids[start:start + 900]
            marks = ",".join("?" * len(chunk))
            removed["codings"] += [dict(r) for r in self.db.query(
                f"SELECT * FROM codings WHERE segment_id IN ({marks})", chunk)]
            removed["notes"] += [dict(r) for r in self.db.query(
                f"SELECT * FROM notes WHERE segment_id IN ({marks})", chunk)]
            for table in ("codings", "notes", "features", "segment_vectors"):
                self.conn.execute(f"DELETE FROM {table} WHERE segment_id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM segment_spans WHERE segment_id IN ({marks})", chunk)
            self.conn.execute(
                f"UPDATE coders SET last_segment = NULL WHERE last_segment IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM segments WHERE id IN ({marks})", chunk)
        # A source goes with its last segment when this import (or one removed before)
        # brought it in; a source of another import only loses this import's segments.
        orphans = [r[0] for r in self.conn.execute(
            "SELECT id FROM sources WHERE NOT EXISTS "
            "(SELECT 1 FROM segments s WHERE s.source_id = sources.id) AND (import_id = ? "
            "OR import_id IS NULL OR import_id NOT IN (SELECT id FROM imports))", (import_id,))]
        for sid in orphans:
            self.conn.execute("DELETE FROM source_texts WHERE source_id = ?", (sid,))
            self.conn.execute("DELETE FROM sources WHERE id = ?", (sid,))
        removed["sources"] = orphans
        self.conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))
        return removed

    def write_agreed_consensus(self, agreed: dict[str, frozenset[str]], *, version: int,
                               reason: str) -> None:
        """Write each segment's agreed code set as the coder ``consensus`` (origin
        ``consensus``) with ``reason`` as its consensus memo. Call inside
        :meth:`transaction`; the caller logs the event."""
        from qca.coders import CONSENSUS

        stamp = now()
        self.conn.executemany(
            "INSERT OR IGNORE INTO codings (segment_id, category, coder, origin, "
            "codebook_version, created_at, memo) VALUES (?, ?, ?, ?, ?, ?, '')",
            [(seg, cat, CONSENSUS, str(Origin.CONSENSUS), version, stamp)
             for seg, codes in agreed.items() for cat in sorted(codes)])
        self.conn.executemany(
            "INSERT OR IGNORE INTO notes (segment_id, coder, memo, flagged, updated_at) "
            "VALUES (?, ?, ?, 0, ?)", [(seg, CONSENSUS, reason, stamp) for seg in agreed])


def _coding_row(c: Coding) -> tuple[Any, ...]:
    # plain str and int bind faster than their subclasses (an Origin, a bool)
    return (c.segment_id, c.category, c.coder, str(c.origin), c.codebook_version,
            c.created_at, c.memo)


# --- pseudonymised copies (qca.pseudonymise) -------------------------------------------------

_EVENT_TRIGGERS = (  # as migration 0001 creates them
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events\n"
    "            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END",
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events\n"
    "            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END",
)


@dataclass
class TextRewrite:
    """New texts for a pseudonymised copy (or for restoring one), keyed like their rows.

    Only texts change: ids, codings, notes' flags and the order of everything stay.
    """

    segments: dict[str, dict[str, str | None]] = field(default_factory=dict)  # id → text/heading
    source_texts: dict[str, str] = field(default_factory=dict)  # source id → whole text
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # segment id → offsets
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # id → name/variables (JSON)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)  # (segment, coder) → memo
    coding_memos: dict[tuple[str, str, str], str] = field(default_factory=dict)
    events: dict[int, dict[str, str | None]] = field(default_factory=dict)  # id → before/after JSON


def _rebuild_search_indexes(project: Project) -> None:
    """Rebuild every full-text index from the rewritten texts: an FTS5 index keeps the
    tokens of deleted rows in its segments until it is merged."""
    rows = project.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' "
        "AND lower(sql) LIKE '%using fts5%'").fetchall()
    for (name,) in rows:
        project.conn.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')')


def rewrite_texts(project: Project, rewrite: TextRewrite, *, actor: str,
                  marker: str | None, payload: Payload) -> int:
    """Write ``rewrite`` into ``project``, a fresh copy of another project, in one transaction.

    Meant only for a copy that ``qca pseudonymise`` has just written (or restores): it
    also rewrites texts inside old events, which the log's triggers forbid everywhere else;
    they are dropped and recreated within the transaction. Stored linguistic features are
    deleted (they hold the old words; they are recomputed on demand) and full-text indexes
    rebuilt. ``marker`` is kept as
    meta ``pseudonymised`` (None removes it). Afterwards the file is vacuumed, so no page
    of it still holds an old text. Returns the id of the event that logs ``payload``.
    """
    with project.transaction():
        conn = project.conn
        for seg_id, cols in rewrite.segments.items():
            for col, value in cols.items():
                if col not in ("text", "heading"):
                    raise ValueError(_("segments.{col} is not rewritten").format(col=col))
                conn.execute(f"UPDATE segments SET {col} = ? WHERE id = ?", (value, seg_id))
        for source_id, text in rewrite.source_texts.items():
            conn.execute("UPDATE source_texts SET text = ? WHERE source_id = ?", (text, source_id))
        for seg_id, (start, end) in rewrite.spans.items():
            conn.execute("UPDATE segment_spans SET start_position = ?, end_position = ? "
                         "WHERE segment_id = ?", (start, end, seg_id))
        for source_id, source_cols in rewrite.sources.items():
            for col, text in source_cols.items():
                if col not in ("name", "variables"):
                    raise ValueError(_("sources.{col} is not rewritten").format(col=col))
                conn.execute(f"UPDATE sources SET {col} = ? WHERE id = ?", (text, source_id))
        for (seg_id, coder), memo in rewrite.notes.items():
            conn.execute("UPDATE notes SET memo = ? WHERE segment_id = ? AND coder = ?",
                         (memo, seg_id, coder))
        for (seg_id, category, coder), memo in rewrite.coding_memos.items():
            conn.execute("UPDATE codings SET memo = ? WHERE segment_id = ? AND category = ? "
                         "AND coder = ?", (memo, seg_id, category, coder))
        if rewrite.events:
            conn.execute("DROP TRIGGER events_append_only_update")
            conn.execute("DROP TRIGGER events_append_only_delete")
            for event_id, cols in rewrite.events.items():
                for col, value in cols.items():
                    if col not in ("before", "after"):
                        raise ValueError(_("events.{col} is not rewritten").format(col=col))
                    conn.execute(f"UPDATE events SET {col} = ? WHERE id = ?", (value, event_id))
            for statement in _EVENT_TRIGGERS:
                conn.execute(statement)
        conn.execute("DELETE FROM features")
        _rebuild_search_indexes(project)
        if marker is None:
            conn.execute("DELETE FROM meta WHERE key = 'pseudonymised'")
        else:
            project.set_meta("pseudonymised", marker)
        event = project.log(actor, payload)
    try:
        project.conn.execute("VACUUM")
        project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise project._friendly(exc) from None
    return event


class ImportScratch:
    """What a streamed import must remember about the rows it has read, kept in SQLite's
    temporary database (a temporary file, never the project) so memory does not grow with
    the file: each source id seen with its first row and its variables as JSON, each
    segment id seen with its row, and segments whose place in the project's order comes
    after the whole file (a second text column's answers follow the first's).
    """

    _TABLES = ("qca_seen_sources", "qca_seen_segments", "qca_later_segments")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def create(self) -> None:
        self.drop()
        self.conn.execute("CREATE TEMP TABLE qca_seen_sources (id TEXT PRIMARY KEY, "
                          "line INTEGER NOT NULL, variables TEXT NOT NULL) WITHOUT ROWID")
        self.conn.execute("CREATE TEMP TABLE qca_seen_segments (id TEXT PRIMARY KEY, "
                          "line INTEGER NOT NULL) WITHOUT ROWID")
        self.conn.execute("CREATE TEMP TABLE qca_later_segments (col INTEGER, line INTEGER, "
                          "id TEXT, source_id TEXT, question TEXT, text TEXT, substantive "
                          "INTEGER, PRIMARY KEY (col, line)) WITHOUT ROWID")

    def drop(self) -> None:
        for table in self._TABLES:
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")

    def _lookup(self, table: str, fields: str, ids: list[str]) -> dict[str, tuple]:
        marks = ",".join("?" * len(ids))
        return {r[0]: tuple(r[1:]) for r in self.conn.execute(
            f"SELECT id, {fields} FROM temp.{table} WHERE id IN ({marks})", ids)}

    def seen_sources(self, ids: list[str]) -> dict[str, tuple[int, str]]:
        """(first row, variables JSON) of those ``ids`` seen before."""
        return self._lookup("qca_seen_sources", "line, variables", ids)  # type: ignore[return-value]

    def see_sources(self, rows: Iterable[tuple[str, int, str]]) -> None:
        self.conn.executemany("INSERT INTO temp.qca_seen_sources VALUES (?, ?, ?)", rows)

    def seen_segments(self, ids: list[str]) -> dict[str, int]:
        """The row of those segment ``ids`` seen before."""
        return {k: v[0] for k, v in self._lookup("qca_seen_segments", "line", ids).items()}

    def see_segments(self, rows: Iterable[tuple[str, int]]) -> None:
        self.conn.executemany("INSERT INTO temp.qca_seen_segments VALUES (?, ?)", rows)

    def put_later(self, rows: Iterable[tuple[int, int, str, str, str | None, str, int]]) -> None:
        """Keep segments as (column, row, id, source, question, text, substantive)."""
        self.conn.executemany("INSERT INTO temp.qca_later_segments VALUES (?, ?, ?, ?, ?, ?, ?)",
                              rows)

    def later(self, batch: int) -> Iterator[list[tuple[str, str, str | None, str, int]]]:
        """The kept segments by column and row, ``batch`` at a time (id, source, question,
        text, substantive)."""
        after = (-1, -1)
        while True:
            rows = self.conn.execute(
                "SELECT col, line, id, source_id, question, text, substantive "
                "FROM temp.qca_later_segments WHERE (col, line) > (?, ?) "
                "ORDER BY col, line LIMIT ?", (*after, batch)).fetchall()
            if not rows:
                return
            after = (rows[-1][0], rows[-1][1])
            yield [r[2:] for r in rows]
