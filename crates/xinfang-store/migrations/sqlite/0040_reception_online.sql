-- Online booking of leaders' reception (issue #19 item 3): a session the
-- calendar opens to the public (`online`), and appointments a petitioner
-- booked through their account (`online`, with the account's phone in
-- `phone`), so "我的预约" finds them and the calendar marks them.
ALTER TABLE reception_sessions ADD COLUMN online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE reception_appointments ADD COLUMN online BIGINT NOT NULL DEFAULT 0;
CREATE INDEX reception_appointments_phone ON reception_appointments(phone, session_id);
CREATE INDEX reception_sessions_online ON reception_sessions(online, day);
