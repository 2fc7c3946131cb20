-- Witnesses' cosignatures on the log's checkpoints (c2sp.org/tlog-cosignature),
-- kept apart from the checkpoints the log signed, and like them never updated
-- or deleted: a checkpoint served to readers is its note followed by these lines.
CREATE TABLE cosignatures (
    size INTEGER NOT NULL REFERENCES checkpoints (size),
    line TEXT NOT NULL,
    PRIMARY KEY (size, line)
) WITHOUT ROWID;

-- The checkpoints whose cosignatures met the charter's witness quorum.
CREATE TABLE witnessed (
    size INTEGER PRIMARY KEY REFERENCES checkpoints (size)
);
