-- The reference of the old order system is no longer read by 1.1.0.
ALTER TABLE orders DROP COLUMN legacy_ref;
