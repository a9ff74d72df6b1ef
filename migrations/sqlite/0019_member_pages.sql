-- The members page walks an organisation's members in id order from a cursor, a page at a time:
-- the indexes by organisation now carry the id (SQLite's carried the row id already; PostgreSQL's
-- did not, and sorted all of the organisation's members for each page).
DROP INDEX users_company;
DROP INDEX users_agency;
CREATE INDEX users_company ON users (company_id, id);
CREATE INDEX users_agency ON users (agency_id, id);
