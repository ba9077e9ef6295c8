-- A unit of the tree moved to another community takes its register records
-- along: their community_id, the first column of every register key,
-- changes in buildings, houses, households, persons, rentals, their tenants
-- and tags in one transaction. Between two of its statements a row points
-- at its parent's old key, so the composite foreign keys between these
-- tables may be deferred to the commit (SET CONSTRAINTS ALL DEFERRED in
-- that transaction only); everywhere else they are checked as before,
-- after each statement.
ALTER TABLE houses ALTER CONSTRAINT houses_community_id_building_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE households ALTER CONSTRAINT households_community_id_house_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE persons ALTER CONSTRAINT persons_community_id_household_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE rentals ALTER CONSTRAINT rentals_community_id_house_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE rental_tenants ALTER CONSTRAINT rental_tenants_community_id_rental_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE rental_tenants ALTER CONSTRAINT rental_tenants_community_id_person_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE person_tags ALTER CONSTRAINT person_tags_community_id_person_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
