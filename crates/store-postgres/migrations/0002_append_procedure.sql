-- One append as one call: lock, check the size, write the batch, commit.
-- `CALL truce_append(...)` from outside any transaction block is a single
-- round trip, and its answer comes only after the COMMIT inside it has
-- returned — with `synchronous_commit = on` (every Truce session sets it),
-- after the WAL is flushed. A statement per table inside BEGIN … COMMIT took
-- seven round trips; a function inside BEGIN … COMMIT, three. (A function
-- called outside a transaction block would commit only after its answer was
-- queued, so a failing commit could follow an answer already read as
-- success; a procedure commits before it answers.)
--
-- `actual` comes back as the log's size before the batch. When that is not
-- `first_idx`, the caller's view of the log is stale: nothing is written, and
-- the caller reports a conflict. An empty batch (`first_idx` NULL) writes
-- only its checkpoint, if any.
CREATE PROCEDURE truce_append(
    INOUT actual     BIGINT,
    lock_key         BIGINT,
    first_idx        BIGINT,
    record_idxs      BIGINT[],
    record_hashes    BYTEA[],
    record_leaves    BYTEA[],
    opening_idxs     BIGINT[],
    openings         BYTEA[],
    node_keys        BIGINT[],
    node_hashes      BYTEA[],
    checkpoint_size  BIGINT,
    checkpoint_note  TEXT
)
LANGUAGE plpgsql
AS $$
BEGIN
    -- Under REPEATABLE READ or SERIALIZABLE the size below would come from a
    -- snapshot taken before the lock was granted, and could miss the append
    -- that held it: two batches could then claim the same indexes.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'truce_append must run under READ COMMITTED, not %',
            current_setting('transaction_isolation');
    END IF;
    -- Serialises every appender on this database; released at the COMMIT
    -- or ROLLBACK below, or when the session ends.
    PERFORM pg_advisory_xact_lock(lock_key);
    -- A new snapshot (READ COMMITTED): it sees every append committed
    -- before the lock was granted.
    SELECT COALESCE(MAX(idx) + 1, 0) INTO actual FROM records;
    IF first_idx IS NOT NULL AND first_idx <> actual THEN
        ROLLBACK;
        RETURN;
    END IF;
    INSERT INTO records (idx, hash, leaf)
        SELECT * FROM UNNEST(record_idxs, record_hashes, record_leaves);
    INSERT INTO sealed_parts (record_idx, opening)
        SELECT * FROM UNNEST(opening_idxs, openings);
    INSERT INTO tree_nodes (node, hash)
        SELECT * FROM UNNEST(node_keys, node_hashes);
    IF checkpoint_size IS NOT NULL THEN
        INSERT INTO checkpoints (size, note) VALUES (checkpoint_size, checkpoint_note);
    END IF;
    COMMIT;
END
$$;
