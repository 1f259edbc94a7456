-- A message's body never changes once queued, but its row is updated two or three times on the
-- way out (claimed, sent or retried). Compressed, a rendered alert (13 kB of text) is about 3.4 kB,
-- small enough to stay in the row, so every update copied it: 10,000 messages wrote some 70 MB of
-- heap, which PGlite's small buffer pool turned into disk traffic (70 s against 35 s to send them).
-- With a 128-byte target the body is still compressed but always kept out of line, and an
-- update copies only a pointer to it.
ALTER TABLE "outbox_message" SET (toast_tuple_target = 128);
