-- Flyway applies db/migration/V<version>__<description>.sql in version order.
-- Expand, then contract: add what the new version needs in one release, and
-- drop what the old one read only in a later release, once no version that
-- reads it can come back. `rollback-guard can-i-roll-back` checks this in
-- each pull request.
CREATE TABLE items (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);
