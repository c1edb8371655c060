-- Codes stored before codes had a guid get a random UUID (version 4 layout), so every code can
-- be exported to REFI-QDA with a stable identity.
UPDATE `codes` SET `guid` =
  lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
  substr(lower(hex(randomblob(2))), 2) || '-' ||
  substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
  lower(hex(randomblob(6)))
WHERE `guid` IS NULL;
